import { strict as assert } from 'node:assert';
import { Logger } from '../../../src/util/log';
import type { LogSink } from '../../../src/util/log';

function sinkAt(logLevel: number | undefined): { sink: LogSink; lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const sink = { trace: keep('trace'), debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
  return { sink: logLevel === undefined ? sink : { ...sink, logLevel }, lines };
}

describe('log levels', () => {
  it("follows the sink's level (vscode.LogLevel numbers) and tells libraries what it keeps", () => {
    const { sink, lines } = sinkAt(3); // Info
    const logger = new Logger(sink);
    logger.trace('a');
    logger.debug('b');
    logger.info('c');
    logger.forLibrary('imapflow').debug({ msg: 'd' });
    logger.forLibrary('imapflow').warn({ msg: 'e' });
    assert.deepEqual(lines, ['info c', 'warn [imapflow] e']);
    const library = logger.forLibrary('imapflow');
    assert.deepEqual(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((level) => library.isLevelEnabled(level)),
      [false, false, true, true, true, true],
    );
  });

  it('keeps every level for a sink without one, and none when the sink is off', () => {
    const all = sinkAt(undefined);
    new Logger(all.sink).trace('kept');
    assert.deepEqual(all.lines, ['trace kept']);
    assert.equal(new Logger(all.sink).forLibrary('imapflow').isLevelEnabled('trace'), true);

    const off = sinkAt(0);
    const logger = new Logger(off.sink);
    logger.error('dropped');
    assert.deepEqual(off.lines, []);
    assert.equal(logger.forLibrary('imapflow').isLevelEnabled('error'), false);
  });
});
