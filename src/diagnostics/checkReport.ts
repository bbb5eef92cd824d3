import type { CheckReport, CheckStatus, CheckStepResult } from './checkResult';
import { STEP_TITLES } from './checkResult';

/**
 * The report as Markdown for a read-only preview. Every value from a server, an issuer or the
 * settings was quoted (code span, plain text, credentials masked) when the step wrote it; this only
 * arranges Mailroom's own words around them.
 */

const STATUS_LABELS: Readonly<Record<CheckStatus, string>> = { pass: '✅ Passed', fail: '❌ Failed', skipped: '⏭️ Skipped' };

function renderStep(result: CheckStepResult): string[] {
  const lines = [`## ${STATUS_LABELS[result.status]}: ${STEP_TITLES[result.step]}`, '', result.detail, ''];
  if (result.mistake) {
    lines.push(`**Known problem: ${result.mistake.title}.** ${result.mistake.fix}`, '');
  } else if (result.fix) {
    lines.push(`**Fix:** ${result.fix}`, '');
  }
  return lines;
}

export function renderCheckReport(report: CheckReport): string {
  const count = (status: CheckStatus): number => report.steps.filter((step) => step.status === status).length;
  const who = report.subject.email ? `${report.subject.email} (${report.subject.providerName})` : `${report.subject.providerName}, no account signed in yet`;
  const lines = [
    `# Mailroom: Check Account — \`${who.replace(/`/g, "'")}\``,
    '',
    `Checked ${new Date(report.checkedAtMs).toISOString().replace('T', ' ').slice(0, 16)} UTC: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped.`,
    '',
  ];
  if (report.earlierFailure) {
    lines.push(`What went wrong before: \`${report.earlierFailure.text.replace(/`/g, "'")}\``, '');
    if (report.earlierFailure.mistake) {
      lines.push(`**Known problem: ${report.earlierFailure.mistake.title}.** ${report.earlierFailure.mistake.fix}`, '');
    }
  }
  for (const step of report.steps) {
    lines.push(...renderStep(step));
  }
  lines.push('---', '', 'No token, code or secret appears in this report. "Mailroom: Show Log" has the details (masked as well).', '');
  return lines.join('\n');
}
