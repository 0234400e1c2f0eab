import { z } from "zod";
import { int32Id } from "../primitives";

export const setShopAppEnabledSchema = z.object({ id: int32Id(), enabled: z.boolean({ error: "Включено или нет" }) });
