/** The shared contracts: imported by the functions, the CLI and the web app. */
export * from "./event";
export * from "./job";
export * from "./messages";
export * from "./result";
export * from "./api";
