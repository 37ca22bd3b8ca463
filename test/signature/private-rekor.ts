// The Rekor-like log of the tests' private Sigstore: it "integrates" an entry body by giving it
// an index and a time, and signs a signed entry timestamp (SET) over them. Rekor's bytes come
// from its published types, as cosign's SIGNATURE_SPEC.md shows them: entry bodies are
// canonical JSON (keys sorted, no spaces), and the SET is the log key's ECDSA signature over
// the canonical JSON of {body (base64), integratedTime, logID (hex of the key's SHA-256), logIndex}.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

/** One logged entry, before it is written in either of the forms signatures carry it in. */
export interface LoggedEntry {
  kind: string;
  body: Buffer;
  integratedTime: number;
  logIndex: number;
  logId: Buffer;
  set: Buffer;
}

export interface PrivateLog {
  /** The log as a trusted root's `tlogs` entry lists it. */
  trusted: unknown;
  /** Logs `body` at `at` (ms); the SET is signed over `setBody` when given (a SET for another body). */
  log(kind: string, body: Buffer, at: number, setBody?: Buffer): LoggedEntry;
}

export function startPrivateLog(validFrom: string): PrivateLog {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = key.publicKey.export({ type: 'spki', format: 'der' });
  const logId = createHash('sha256').update(der).digest();
  return {
    trusted: {
      baseUrl: 'https://rekor.test.invalid',
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: der.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: validFrom } },
      logId: { keyId: logId.toString('base64') }
    },
    log(kind, body, at, setBody = body) {
      const integratedTime = Math.floor(at / 1000);
      const logIndex = Math.floor(Math.random() * 1e6);
      // Canonical JSON of the four fields, keys sorted: what Rekor signs and verifiers rebuild.
      const promise = `{"body":"${setBody.toString('base64')}","integratedTime":${integratedTime},"logID":"${logId.toString('hex')}","logIndex":${logIndex}}`;
      return { kind, body, integratedTime, logIndex, logId, set: sign('sha256', Buffer.from(promise), key.privateKey) };
    }
  };
}

/** The entry as a Sigstore bundle's `tlogEntries` item (JSON form), its inclusion promised by the SET. */
export function bundleTlogEntry(entry: LoggedEntry): unknown {
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: entry.logId.toString('base64') },
    kindVersion: { kind: entry.kind, version: '0.0.1' },
    integratedTime: String(entry.integratedTime),
    inclusionPromise: { signedEntryTimestamp: entry.set.toString('base64') },
    canonicalizedBody: entry.body.toString('base64')
  };
}

/** The entry as cosign's `dev.sigstore.cosign/bundle` annotation (SIGNATURE_SPEC.md, "bundle"). */
export function cosignBundleAnnotation(entry: LoggedEntry): string {
  return JSON.stringify({
    SignedEntryTimestamp: entry.set.toString('base64'),
    Payload: {
      body: entry.body.toString('base64'),
      integratedTime: entry.integratedTime,
      logIndex: entry.logIndex,
      logID: entry.logId.toString('hex')
    }
  });
}

/** Rekor's hashedrekord 0.0.1 body for a signature over `payload`: the key is the PEM certificate, base64. */
export function hashedRekordBody(payload: Buffer, signature: Buffer, certificatePem: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
        signature: { content: signature.toString('base64'), publicKey: { content: Buffer.from(certificatePem).toString('base64') } }
      }
    })
  );
}

/** Rekor's dsse 0.0.1 body for a DSSE signature over an in-toto `statement`. */
export function dsseBody(statement: Buffer, signature: Buffer, certificatePem: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(statement).digest('hex') },
        signatures: [{ signature: signature.toString('base64'), verifier: Buffer.from(certificatePem).toString('base64') }]
      }
    })
  );
}
