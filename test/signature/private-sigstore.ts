// A private Sigstore deployment made by the tests: a Fulcio-like CA issuing short-lived
// certificates with Fulcio's extensions (SAN = the identity, 1.3.6.1.4.1.57264.1.8 = the
// OIDC issuer), and a Rekor-like log whose signed entry timestamps (SETs) promise inclusion,
// both in a trusted root (protobuf-specs JSON form). Keyless bundles are built from the
// Sigstore bundle spec: DSSE over cosign's in-toto statement, the leaf certificate, one tlog
// entry of kind dsse 0.0.1 with its SET over the canonical {body, integratedTime, logIndex, logID}.
import { createHash, generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import { IN_TOTO, pae, statementFor } from '../env/cosign-store.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const MINUTE = 60_000;

export interface PrivateSigstore {
  /** The trusted root file's JSON. */
  trustedRoot: unknown;
  /** A keyless bundle for `digest`: signed by `identity` of `issuer`, logged at `signedAt`. */
  bundle(
    digest: string,
    identity: string,
    issuer: string,
    options?: { certificateLifetimeMs?: number; logDelayMs?: number; subjectDigest?: string }
  ): Promise<unknown>;
}

export async function startPrivateSigstore(): Promise<PrivateSigstore> {
  const caKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=test-fulcio,O=image-lock tests',
    notBefore: new Date(now - 60 * MINUTE),
    notAfter: new Date(now + 24 * 60 * MINUTE),
    keys: caKeys,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)]
  });
  const log = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const logDer = log.publicKey.export({ type: 'spki', format: 'der' });
  const logId = createHash('sha256').update(logDer).digest();
  const start = new Date(now - 60 * MINUTE).toISOString();
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.test.invalid',
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: logDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
        logId: { keyId: logId.toString('base64') }
      }
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'image-lock tests', commonName: 'test-fulcio' },
        uri: 'https://fulcio.test.invalid',
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.rawData).toString('base64') }] },
        validFor: { start }
      }
    ],
    ctlogs: [],
    timestampAuthorities: []
  };

  return {
    trustedRoot,
    async bundle(digest, identity, issuer, options = {}) {
      const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const issuedAt = Date.now() - MINUTE;
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: createHash('sha256')
          .update(identity + issuedAt + Math.random())
          .digest('hex')
          .slice(0, 16),
        subject: '',
        issuer: ca.subject,
        notBefore: new Date(issuedAt),
        notAfter: new Date(issuedAt + (options.certificateLifetimeMs ?? 10 * MINUTE)),
        publicKey: await webcrypto.subtle.importKey('spki', signer.publicKey.export({ type: 'spki', format: 'der' }), EC, true, ['verify']),
        signingKey: caKeys.privateKey,
        signingAlgorithm: EC,
        extensions: [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3']),
          new x509.SubjectAlternativeNameExtension([{ type: 'url', value: identity }], true),
          // Fulcio's issuer (v2): the OIDC issuer as a DER UTF8String.
          new x509.Extension(OID_ISSUER_V2, false, Buffer.concat([Buffer.from([0x0c, issuer.length]), Buffer.from(issuer)]))
        ]
      });
      const statement = statementFor(options.subjectDigest ?? digest);
      const signature = sign('sha256', pae(IN_TOTO, statement), signer.privateKey);
      const certificate = Buffer.from(leaf.rawData);
      const bundle = bundleToJSON(
        toDSSEBundle({ artifact: statement, artifactType: IN_TOTO, signature, certificate, certificateChain: true })
      ) as {
        mediaType: string;
        verificationMaterial: { tlogEntries: unknown[] };
      };
      // Bundle 0.1: the tlog entry's inclusion is promised by its SET (0.3 wants an inclusion proof).
      bundle.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
      bundle.verificationMaterial.tlogEntries = [
        logEntry(log.privateKey, logId, statement, signature, leaf.toString('pem'), issuedAt + (options.logDelayMs ?? 0))
      ];
      return bundle;
    }
  };
}

function logEntry(logKey: KeyObject, logId: Buffer, statement: Buffer, signature: Buffer, certificatePem: string, at: number): unknown {
  const body = Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(statement).digest('hex') },
        signatures: [{ signature: signature.toString('base64'), verifier: Buffer.from(certificatePem).toString('base64') }]
      }
    })
  );
  const integratedTime = Math.floor(at / 1000);
  const logIndex = Math.floor(Math.random() * 1e6);
  // The SET: the log's signature over the canonical JSON of these four fields, keys sorted.
  const promise = `{"body":"${body.toString('base64')}","integratedTime":${integratedTime},"logID":"${logId.toString('hex')}","logIndex":${logIndex}}`;
  return {
    logIndex: String(logIndex),
    logId: { keyId: logId.toString('base64') },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: sign('sha256', Buffer.from(promise), logKey).toString('base64') },
    canonicalizedBody: body.toString('base64')
  };
}
