// A real SMTP server for the integration tests (nodemailer's smtp-server, the engine behind maildev).
// Mail to reject*@... is refused for good (550), mail to busy*@... is deferred once (451) and then
// accepted; everything that arrives is parsed and listed at GET /messages (DELETE /messages clears).
// Prints one line "READY {"smtp":port,"http":port}" once both listen. It exits when its standard input closes (so a
// test run that dies takes it along): started by hand, keep stdin open, e.g. `sleep infinity | node server.mjs`.
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const received = [];
const deferred = new Map();
let sessions = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 25 * 1024 * 1024,
  onConnect(session, callback) {
    sessions += 1;
    callback();
  },
  onAuth(auth, session, callback) {
    if (auth.username === 'itsm' && auth.password === 'secret') return callback(null, { user: 'itsm' });
    return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
  },
  onRcptTo(address, session, callback) {
    const local = address.address.split('@')[0].toLowerCase();
    if (local.startsWith('reject')) {
      return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
    }
    if (local.startsWith('busy') && !deferred.has(address.address)) {
      deferred.set(address.address, true);
      return callback(Object.assign(new Error('4.3.2 Mailbox busy, try again later'), { responseCode: 451 }));
    }
    return callback();
  },
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        received.push({
          messageId: mail.messageId,
          from: mail.from?.text,
          to: mail.to?.value.map((a) => a.address) ?? [],
          cc: mail.cc?.value.map((a) => a.address) ?? [],
          subject: mail.subject,
          html: mail.html || null,
          text: mail.text,
          autoSubmitted: mail.headers.get('auto-submitted') ?? null,
          hasBccHeader: mail.headers.has('bcc'),
          attachments: mail.attachments.map((a) => ({ fileName: a.filename, contentType: a.contentType, size: a.size, content: a.content.toString('base64') })),
          envelope: { mailFrom: session.envelope.mailFrom.address, rcptTo: session.envelope.rcptTo.map((r) => r.address) },
          session: session.id,
        });
        callback(null, 'Message queued as ' + received.length);
      })
      .catch(callback);
  },
});

const web = http.createServer((req, res) => {
  if (req.url === '/messages' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ sessions, messages: received }));
  }
  if (req.url === '/messages' && req.method === 'DELETE') {
    received.length = 0;
    deferred.clear();
    res.writeHead(204);
    return res.end();
  }
  res.writeHead(404);
  return res.end();
});

smtp.listen(Number(args['smtp-port'] ?? 0), '127.0.0.1', () => {
  web.listen(Number(args['http-port'] ?? 0), '127.0.0.1', () => {
    console.log('READY ' + JSON.stringify({ smtp: smtp.server.address().port, http: web.address().port }));
  });
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
