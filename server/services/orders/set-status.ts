// The staff status verb lives with the other lifecycle rules; this path stays for its many importers.
export { setOrderStatus } from "./lifecycle";
