import { ConflictError } from "../errors";

export const codeTaken = () =>
  new ConflictError("Филиал с таким кодом уже есть", { code: ["Филиал с таким кодом уже есть"] });
