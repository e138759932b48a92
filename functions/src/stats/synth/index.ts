export * from "./simplex-qp";
export * from "./sc";
export * from "./ridge";
export * from "./placebo";
export * from "./conformal";
export * from "./nelder-mead";
export * from "./rng";
