// SCRAM-SHA-256 server side: the RFC 7677 §3 example exchange byte for byte, a client written here
// with node:crypto, and the failures (wrong password, unknown user, malformed, channel binding).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decodeScram, deriveScramCredentials, encodeScram, fakeScramCredentials, parseClientFirst, ScramServer } from '../../src/auth/scram.js';
import { clientFinal } from './scram-client.js';

test('RFC 7677 §3: user "user", password "pencil", the example nonces and salt', () => {
  const credentials = deriveScramCredentials('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
  const first = parseClientFirst('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  assert.equal(first.username, 'user');
  const server = new ScramServer(first, credentials, true);
  assert.equal(server.start('%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.equal(
    server.finish('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='),
    'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  );
  assert.deepEqual(decodeScram(encodeScram(credentials)), credentials);
});

test('a client from node:crypto logs in; a wrong password, a fake user and tampering fail the same way', () => {
  const credentials = deriveScramCredentials('s3cret ünïcode');
  const exchange = (password: string, creds = credentials, real = true, tamper = (m: string) => m): string => {
    const nonce = randomBytes(12).toString('base64');
    const first = parseClientFirst(`n,,n=alice,r=${nonce}`);
    const server = new ScramServer(first, creds, real);
    const serverFirst = server.start();
    const { message, expectedV } = clientFinal(password.normalize('NFC'), first.bare, serverFirst);
    const v = server.finish(tamper(message));
    assert.equal(v, expectedV, 'the server proves it knows the ServerKey');
    return v;
  };
  exchange('s3cret ünïcode');
  assert.throws(() => exchange('wrong'), { name: 'ScramError', message: 'authentication failed' });
  const secret = randomBytes(32);
  const fake = fakeScramCredentials('nobody', secret);
  assert.deepEqual(fakeScramCredentials('nobody', secret).salt, fake.salt, 'the same salt each time: no enumeration by salt');
  assert.equal(fake.iterations, credentials.iterations);
  assert.throws(() => exchange('anything', fake, false), { message: 'authentication failed' });
  assert.throws(() => exchange('s3cret ünïcode', credentials, true, (m) => m.replace(/r=[^,]+/, 'r=other')), { message: 'nonce mismatch' });
  assert.throws(() => exchange('s3cret ünïcode', credentials, true, (m) => m.replace('c=biws', 'c=eSws')), { message: 'channel binding data does not match' });
});

test('malformed client-first messages and channel binding requests are refused clearly', () => {
  assert.throws(() => parseClientFirst('p=tls-unique,,n=user,r=abc'), { message: /channel binding is not supported/ });
  assert.throws(() => parseClientFirst('n,,n=user'), { message: 'malformed client-first-message' });
  assert.throws(() => parseClientFirst('n,,n=us=er,r=abc'), { message: 'malformed user name' });
  assert.throws(() => parseClientFirst('n,a=bob,n=alice,r=abc'), { message: /another user/ });
  assert.throws(() => parseClientFirst('n,,n=user,r=abc,m=ext'), { message: /mandatory extensions/ });
  assert.equal(parseClientFirst('n,,n=a=2Cb=3Dc,r=abc').username, 'a,b=c');
  assert.equal(parseClientFirst('y,,n=user,r=abc').gs2Header, 'y,,');
});
