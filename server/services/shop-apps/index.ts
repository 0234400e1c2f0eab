export { finishInsalesAutologin, startInsalesLogin } from "./autologin";
export { AppNotConfiguredError, installInsalesShop, uninstallInsalesShop } from "./installs";
export { linkInsalesShop, linkPageInfo } from "./link";
export { signInByShopTicket } from "./sign-in";
