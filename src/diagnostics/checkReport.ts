import type { CheckReport, CheckStatus, CheckStepResult } from './checkResult';
import type { KnownMistake } from './knownMistakes';
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

/**
 * Only the label goes through the ui tag: a fix is Mailroom's own text already translated, and as a value it
 * would be cut at the tag's length for values.
 */
function knownProblem(mistake: KnownMistake): string {
  return `**${ui`Known problem: ${mistake.title}.`.value}** ${mistake.fix}`;
}

function renderStep(result: CheckStepResult): string[] {
  const lines = [`## ${statusLabel(result.status)}: ${stepTitle(result.step)}`, '', result.detail, ''];
  if (result.mistake) {
    lines.push(knownProblem(result.mistake), '');
  } else if (result.fix) {
    lines.push(`**${ui`Fix:`.value}** ${result.fix}`, '');
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
    lines.push(`${ui`What went wrong before:`.value} \`${report.earlierFailure.text.replace(/`/g, "'")}\``, '');
    if (report.earlierFailure.mistake) {
      lines.push(knownProblem(report.earlierFailure.mistake), '');
    }
  }
  for (const step of report.steps) {
    lines.push(...renderStep(step));
  }
  lines.push('---', '', ui`No token, code or secret appears in this report. "Mailroom: Show Log" has the details (masked as well).`.value, '');
  return lines.join('\n');
}
