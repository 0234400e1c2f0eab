export * from "./companies";
export * from "./clients";
export * from "./branches";
export * from "./manifests";
export * from "./orders";
export * from "./xmlapi";
export * from "./reference";
