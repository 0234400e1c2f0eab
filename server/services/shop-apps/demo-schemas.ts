import { z } from "zod";
import { int32Id } from "../primitives";

export const linkDemoShopSchema = z.object({ clientId: int32Id("Выберите клиента") });
