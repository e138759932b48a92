export { luFactor, luSolve, SingularMatrixError, type LuFactors } from "./lu";
export {
  absorb,
  channelsOf,
  markovSolveFlops,
  solveMarkov,
  type ChannelRemoval,
  type MarkovChainInput,
  type MarkovSolution,
} from "./markov";
export { proportional, reconcile, type Reconciliation } from "./allocate";
export {
  positionWeight,
  ruleCredits,
  shapleyCredits,
  type Credit,
  type PositionSum,
  type RankSum,
  type RuleModel,
  type ShapleyCredits,
} from "./credits";
