// Fake IMAP servers on loopback for session tests: they record everything they receive and answer
// the few commands a connection attempt sends.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { MailAccount } from '../../src/auth/accountApi';

export const sentinelToken = 'AT-SENTINEL-tls-test';

export interface Recorder {
  port: number;
  /** Everything received after the transport was up (TLS established or plain TCP). */
  received: string;
  secureConnections: number;
  /** IMAP sessions the server greeted. */
  connections: number;
  /** Of those, the ones whose socket has closed. */
  closedConnections: number;
  /** Every command name received, in order (upper case), e.g. AUTHENTICATE, LIST, IDLE, DONE. */
  commands: string[];
  close(): Promise<void>;
}

export function account(port: number, implicitTls: boolean): MailAccount {
  const endpoint = { host: '127.0.0.1', port, implicitTls };
  return { id: 'test|alice', provider: 'oidc', email: 'alice@mailroom.test', imap: endpoint, smtp: endpoint, serverSavesSent: false };
}

export function fakeAccounts(): { getAccessToken: () => Promise<string>; requireSignIn: () => void; signInRequired: number } {
  const state = {
    signInRequired: 0,
    getAccessToken: async (): Promise<string> => sentinelToken,
    requireSignIn: (): void => {
      state.signInRequired++;
    },
  };
  return state;
}

/** A TLS server with a self-signed certificate nobody trusts; it greets like IMAP once TLS is up. */
export function startTlsServer(certificate: Certificate): Promise<Recorder> {
  const recorder = emptyRecorder();
  const server = tls.createServer(certificate, (socket) => {
    recorder.secureConnections++;
    socket.on('data', (chunk: Buffer) => {
      recorder.received += chunk.toString('latin1');
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 AUTH=OAUTHBEARER] fake ready\r\n');
  });
  server.on('tlsClientError', () => undefined);
  return listen(server, recorder);
}

export interface ScriptOptions {
  offerStartTls?: boolean;
  /** The answer to AUTHENTICATE (after the tag), e.g. `NO [LIMIT] Too many simultaneous connections`. */
  authenticate?: string;
  /** Serve one INBOX: LIST, SELECT/EXAMINE, NOOP, IDLE and DONE, LOGOUT (otherwise they get NO). */
  inbox?: boolean;
  /** Drop the connection when AUTHENTICATE arrives (a network failure, not throttling). */
  dropOnAuthenticate?: boolean;
  /** Greets, then never answers anything: a server that stopped answering without closing. */
  silentAfterGreeting?: boolean;
}

/** Answers the commands a connection attempt sends; everything else gets NO. Counts connections. */
function scriptedImap(socket: net.Socket, recorder: Recorder, options: ScriptOptions): void {
  recorder.connections++;
  socket.on('close', () => recorder.closedConnections++);
  const capabilities = `IMAP4rev1 ${options.offerStartTls ? 'STARTTLS ' : ''}${options.inbox ? 'IDLE ' : ''}AUTH=XOAUTH2 AUTH=PLAIN`;
  socket.on('error', () => undefined);
  socket.write(`* OK [CAPABILITY ${capabilities}] fake ready\r\n`);
  let buffer = '';
  let idleTag: string | undefined;
  socket.on('data', (chunk: Buffer) => {
    recorder.received += chunk.toString('latin1');
    if (options.silentAfterGreeting) {
      return;
    }
    buffer += chunk.toString('latin1');
    let newline = buffer.indexOf('\r\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 2);
      const [tag = '*', command = ''] = line.split(' ');
      recorder.commands.push(idleTag !== undefined && /^DONE$/i.test(line) ? 'DONE' : command.toUpperCase());
      if (idleTag !== undefined && /^DONE$/i.test(line)) {
        socket.write(`${idleTag} OK IDLE terminated\r\n`);
        idleTag = undefined;
      } else if (/^CAPABILITY$/i.test(command)) {
        socket.write(`* CAPABILITY ${capabilities}\r\n${tag} OK done\r\n`);
      } else if (/^STARTTLS$/i.test(command)) {
        socket.write(`${tag} NO not today\r\n`);
      } else if (/^ID$/i.test(command)) {
        socket.write(`* ID NIL\r\n${tag} OK done\r\n`);
      } else if (/^AUTHENTICATE$/i.test(command) && options.dropOnAuthenticate) {
        socket.destroy();
        return;
      } else if (/^AUTHENTICATE$/i.test(command) && options.authenticate) {
        socket.write(`${tag} ${options.authenticate}\r\n`);
      } else if (options.inbox && /^LIST$/i.test(command)) {
        socket.write(`* LIST (\\HasNoChildren) "/" INBOX\r\n${tag} OK done\r\n`);
      } else if (options.inbox && /^(SELECT|EXAMINE)$/i.test(command)) {
        socket.write(`* 3 EXISTS\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n${tag} OK [READ-ONLY] done\r\n`);
      } else if (options.inbox && /^NOOP$/i.test(command)) {
        socket.write(`${tag} OK done\r\n`);
      } else if (options.inbox && /^IDLE$/i.test(command)) {
        idleTag = tag;
        socket.write('+ idling\r\n');
      } else if (options.inbox && /^LOGOUT$/i.test(command)) {
        socket.end(`* BYE bye\r\n${tag} OK done\r\n`);
      } else {
        socket.write(`${tag} NO nothing here\r\n`);
      }
      newline = buffer.indexOf('\r\n');
    }
  });
}

/** A plaintext IMAP server: without STARTTLS, or offering STARTTLS and then refusing it. */
export function startPlainServer(offerStartTls: boolean): Promise<Recorder> {
  const recorder = emptyRecorder();
  return listen(
    net.createServer((socket) => scriptedImap(socket, recorder, { offerStartTls })),
    recorder,
  );
}

/** An implicit-TLS IMAP server that answers as scripted (trust its certificate with `extraCa`). */
export function startScriptedTlsServer(certificate: Certificate, options: ScriptOptions): Promise<Recorder> {
  const recorder = emptyRecorder();
  const server = tls.createServer(certificate, (socket) => {
    recorder.secureConnections++;
    scriptedImap(socket, recorder, options);
  });
  server.on('tlsClientError', () => undefined);
  return listen(server, recorder);
}

function emptyRecorder(): Recorder {
  return { port: 0, received: '', secureConnections: 0, connections: 0, closedConnections: 0, commands: [], close: async () => undefined };
}

export interface Certificate {
  key: string;
  cert: string;
}

/** A fresh self-signed certificate for 127.0.0.1 that no one trusts unless told to. */
export function selfSignedCertificate(): Certificate {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-tls-'));
  try {
    const keyFile = path.join(directory, 'key.pem');
    const certFile = path.join(directory, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

export function listen(server: net.Server, recorder: Recorder): Promise<Recorder> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      recorder.port = (server.address() as net.AddressInfo).port;
      recorder.close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          // A client that left its connection open must not keep the test waiting.
          sockets.forEach((socket) => socket.destroy());
        });
      resolve(recorder);
    });
  });
}
