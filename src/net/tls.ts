/**
 * TLS material for every listener. The certificate and key come from the configured PEM files;
 * without them, a self-signed pair is made once in <dataDir>/tls and reused. reload() re-reads
 * the files (SIGHUP, or a certificate installed from the web UI) without dropping sessions.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import selfsigned from 'selfsigned';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  fingerprint256: string;
  selfSigned: boolean;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export class TlsProvider {
  private context: tls.SecureContext;
  private pem: { cert: string; key: string };
  /** Implicit-TLS servers made here: a reload gives them the new default context too. */
  private readonly servers = new Set<tls.Server>();

  private constructor(private readonly files: TlsFiles) {
    this.pem = readPair(files);
    this.context = tls.createSecureContext(this.pem);
  }

  /** Loads the configured pair, or makes (once) and loads a self-signed one under dataDir/tls. */
  static async load(options: { certFile?: string; keyFile?: string; dataDir: string; hostname: string }): Promise<TlsProvider> {
    if (options.certFile && options.keyFile) return new TlsProvider({ certFile: options.certFile, keyFile: options.keyFile });
    const dir = join(options.dataDir, 'tls');
    const files = { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
    if (!existsSync(files.certFile) || !existsSync(files.keyFile)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const pems = await selfsigned.generate([{ name: 'commonName', value: options.hostname }], {
        keySize: 2048,
        notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
        algorithm: 'sha256',
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: options.hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
      });
      writeAtomically(files.keyFile, pems.private, 0o600);
      writeAtomically(files.certFile, pems.cert, 0o644);
    }
    return new TlsProvider(files);
  }

  secureContext(): tls.SecureContext {
    return this.context;
  }

  /** Options for tls.createServer; SNICallback hands out the current context so reloads apply. */
  serverOptions(): tls.TlsOptions {
    return {
      ...this.pem,
      SNICallback: (_name, callback) => callback(null, this.context),
    };
  }

  /**
   * A TLS server that follows reloads: clients that send SNI get the current context through
   * SNICallback, and those that send none (connecting by IP) get the server's default context,
   * which reload() replaces.
   */
  createServer(options: tls.TlsOptions, listener: (socket: tls.TLSSocket) => void): tls.Server {
    const server = tls.createServer({ ...options, ...this.serverOptions() }, listener);
    this.servers.add(server);
    server.once('close', () => this.servers.delete(server));
    return server;
  }

  async reload(): Promise<void> {
    const pem = readPair(this.files);
    this.context = tls.createSecureContext(pem);
    this.pem = pem;
    for (const server of this.servers) server.setSecureContext(pem);
  }

  /** Replaces the certificate and key files (after checking they match) and reloads. */
  async install(certPem: string, keyPem: string): Promise<void> {
    validatePair(certPem, keyPem);
    writeAtomically(this.files.keyFile, keyPem, 0o600);
    writeAtomically(this.files.certFile, certPem, 0o644);
    await this.reload();
  }

  certificateInfo(): CertificateInfo {
    const cert = new X509Certificate(this.pem.cert);
    return {
      subject: cert.subject,
      issuer: cert.issuer,
      validFrom: new Date(cert.validFrom),
      validTo: new Date(cert.validTo),
      fingerprint256: cert.fingerprint256,
      selfSigned: cert.subject === cert.issuer,
    };
  }

  /** The PEM certificate (clients in tests trust it explicitly). */
  certificatePem(): string {
    return this.pem.cert;
  }
}

function readPair(files: TlsFiles): { cert: string; key: string } {
  const pair = { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') };
  validatePair(pair.cert, pair.key);
  return pair;
}

/** Throws a clear Error when the PEM texts are not a certificate and its private key. */
export function validatePair(certPem: string, keyPem: string): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new Error('the certificate is not a valid PEM X.509 certificate');
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new Error('the key is not a valid PEM private key');
  }
  if (!cert.checkPrivateKey(key)) throw new Error('the private key does not belong to the certificate');
}

function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}
