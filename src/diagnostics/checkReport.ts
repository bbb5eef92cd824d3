import type { CheckReport, CheckStatus, CheckStepResult } from './checkResult';
import { stepTitle } from './checkResult';
import { ui } from '../ui/text';

/**
 * The report as Markdown for a read-only preview. Every value from a server, an issuer or the
 * settings was quoted (code span, plain text, credentials masked) when the step wrote it; this only
 * arranges Mailroom's own words around them.
 */

function statusLabel(status: CheckStatus): string {
  switch (status) {
    case 'pass':
      return ui`✅ Passed`.value;
    case 'fail':
      return ui`❌ Failed`.value;
    case 'skipped':
      return ui`⏭️ Skipped`.value;
  }
}

function renderStep(result: CheckStepResult): string[] {
  const lines = [`## ${statusLabel(result.status)}: ${stepTitle(result.step)}`, '', result.detail, ''];
  if (result.mistake) {
    lines.push(ui`**Known problem: ${result.mistake.title}.** ${result.mistake.fix}`.value, '');
  } else if (result.fix) {
    lines.push(ui`**Fix:** ${result.fix}`.value, '');
  }
  return lines;
}

export function renderCheckReport(report: CheckReport): string {
  const count = (status: CheckStatus): number => report.steps.filter((step) => step.status === status).length;
  const who = report.subject.email
    ? `${report.subject.email} (${report.subject.providerName})`
    : ui`${report.subject.providerName}, no account signed in yet`.value;
  const lines = [
    ui`# Mailroom: Check Account — \`${who.replace(/`/g, "'")}\``.value,
    '',
    ui`Checked ${new Date(report.checkedAtMs).toISOString().replace('T', ' ').slice(0, 16)} UTC: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped.`
      .value,
    '',
  ];
  if (report.earlierFailure) {
    lines.push(ui`What went wrong before: \`${report.earlierFailure.text.replace(/`/g, "'")}\``.value, '');
    if (report.earlierFailure.mistake) {
      lines.push(ui`**Known problem: ${report.earlierFailure.mistake.title}.** ${report.earlierFailure.mistake.fix}`.value, '');
    }
  }
  for (const step of report.steps) {
    lines.push(...renderStep(step));
  }
  lines.push('---', '', ui`No token, code or secret appears in this report. "Mailroom: Show Log" has the details (masked as well).`.value, '');
  return lines.join('\n');
}
