// A private Sigstore deployment made by the tests: a Fulcio-like CA issuing short-lived
// certificates with Fulcio's extensions (SAN = the identity, 1.3.6.1.4.1.57264.1.8 = the
// OIDC issuer), and a Rekor-like log (private-rekor.ts) whose signed entry timestamps (SETs)
// promise inclusion, both in a trusted root (protobuf-specs JSON form). cosign is not
// installable here, so its two keyless forms are built from its published specifications:
// - a Sigstore bundle: DSSE over cosign's in-toto statement, the leaf certificate, and one
//   tlog entry of kind dsse 0.0.1 (the Sigstore bundle spec);
// - the legacy `sha256-<hex>.sig` layer (SIGNATURE_SPEC.md): the simple-signing payload, its
//   signature in `dev.cosignproject.cosign/signature`, the PEM leaf in
//   `dev.sigstore.cosign/certificate`, the CA chain in `dev.sigstore.cosign/chain`, and Rekor's
//   hashedrekord 0.0.1 entry with its SET in `dev.sigstore.cosign/bundle`.
import { createHash, generateKeyPairSync, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { bundleToJSON, toDSSEBundle } from '@sigstore/bundle';
import { IN_TOTO, pae, simpleSigningPayload, statementFor } from '../env/cosign-store.js';
import { bundleTlogEntry, cosignBundleAnnotation, dsseBody, hashedRekordBody, startPrivateLog } from './private-rekor.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const MINUTE = 60_000;

/** When the certificate is issued and how long it lives, and when the log sees the signature. */
export interface SigningTimes {
  certificateLifetimeMs?: number;
  logDelayMs?: number;
}

/** Faults a legacy signature can carry, each one a way an attacker or a broken signer gets it wrong. */
export interface LegacyFaults extends SigningTimes {
  /** The layer carries this payload while the signature covers the right one. */
  tamperedPayload?: Buffer;
  /** The SET is the log's signature over another entry body. */
  setForAnotherBody?: boolean;
  /** The log entry names another certificate than the annotation's. */
  loggedCertificate?: string;
  /** No `dev.sigstore.cosign/bundle` annotation: a signature never logged, or stripped of its entry. */
  withoutLogEntry?: boolean;
}

export interface LegacySignature {
  payload: Buffer;
  annotations: Record<string, string>;
}

export interface PrivateSigstore {
  /** The trusted root file's JSON. */
  trustedRoot: unknown;
  /** A keyless bundle for `digest`: signed by `identity` of `issuer`, logged `logDelayMs` after the certificate's issue. */
  bundle(digest: string, identity: string, issuer: string, options?: SigningTimes & { subjectDigest?: string }): Promise<unknown>;
  /** cosign's legacy keyless signature of `digest` in `repo`: the `.sig` layer's payload and annotations. */
  legacy(repo: string, digest: string, identity: string, issuer: string, faults?: LegacyFaults): Promise<LegacySignature>;
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
  const start = new Date(now - 60 * MINUTE).toISOString();
  const log = startPrivateLog(start);
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [log.trusted],
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

  /** A fresh key and Fulcio-like certificate for it, issued a minute ago. */
  async function issue(
    identity: string,
    issuer: string,
    times: SigningTimes
  ): Promise<{ key: KeyObject; leaf: x509.X509Certificate; at: number }> {
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
      notAfter: new Date(issuedAt + (times.certificateLifetimeMs ?? 10 * MINUTE)),
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
    return { key: signer.privateKey, leaf, at: issuedAt + (times.logDelayMs ?? 0) };
  }

  return {
    trustedRoot,
    async bundle(digest, identity, issuer, options = {}) {
      const { key, leaf, at } = await issue(identity, issuer, options);
      const statement = statementFor(options.subjectDigest ?? digest);
      const signature = sign('sha256', pae(IN_TOTO, statement), key);
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
        bundleTlogEntry(log.log('dsse', dsseBody(statement, signature, leaf.toString('pem')), at))
      ];
      return bundle;
    },
    async legacy(repo, digest, identity, issuer, faults = {}) {
      const { key, leaf, at } = await issue(identity, issuer, faults);
      const payload = simpleSigningPayload(repo, digest);
      // cosign signs the payload's bytes (ECDSA P-256 over their SHA-256) and logs a hashedrekord of them.
      const signature = sign('sha256', payload, key);
      const pem = leaf.toString('pem');
      const body = hashedRekordBody(payload, signature, faults.loggedCertificate ?? pem);
      const other = hashedRekordBody(Buffer.from('another payload'), signature, pem);
      const entry = log.log('hashedrekord', body, at, faults.setForAnotherBody ? other : body);
      const annotations: Record<string, string> = {
        'dev.cosignproject.cosign/signature': signature.toString('base64'),
        'dev.sigstore.cosign/certificate': pem,
        'dev.sigstore.cosign/chain': ca.toString('pem')
      };
      if (!faults.withoutLogEntry) annotations['dev.sigstore.cosign/bundle'] = cosignBundleAnnotation(entry);
      return { payload: faults.tamperedPayload ?? payload, annotations };
    }
  };
}
