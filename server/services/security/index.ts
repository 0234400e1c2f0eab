export { listSecurityEvents } from "./list-events";
export { sweepSignInRecords, throttledSignIn, type SignInDoor } from "./throttle";
export { clientIp } from "./client-ip";
