export * from "./distributions";
export * from "./linalg";
export * from "./ols-sufficient";
export * from "./covariance";
export * from "./inference";
export * from "./wald";
