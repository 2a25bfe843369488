/** The production checklist (`infinitic doctor`, and the gate of `infinitic promote`). */
export { type DoctorReport, formatFindings, formatReport, runDoctor } from './doctor.ts';
export { type Finding, type Level, RULES, type Rule } from './rules.ts';
