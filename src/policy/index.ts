export { decide, isWithinHours, NO_SECOND_APPROVER } from './decide.js';
export { describeTool } from './describe-tool.js';
export { globMatches } from './glob.js';
export {
  createPolicySchema,
  DEFAULT_POLICY,
  isValidTimeZone,
  loadPolicyFile,
  PolicyFileError,
  type PolicyFileOptions,
  type PolicyProblem,
  parsePolicy,
  policyFileSchema,
} from './policy-file.js';
export type * from './types.js';
