// Entry point of the materialise stage: worktree configuration and the task prompt.
export { materialize, type MaterializeResult } from './materialize.js';
export { buildTaskPrompt, resourceSuffix, CLEANUP_SECTION } from './task-prompt.js';
