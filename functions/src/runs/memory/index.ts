export { MemoryJobStore } from "./memory-job-store";
export { MemoryRunDispatcher, MemoryRerunScheduler } from "./memory-dispatch";
