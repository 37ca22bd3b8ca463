import { endpointsFor, isLoopback, parseBaseUrl } from '../../src/remote/endpoint.js';

const bases = (registry: string, options = {}) =>
  endpointsFor(registry, options).map((e) => `${e.mirror ? 'mirror ' : ''}${e.base.href} (${e.credentialHost})`);

describe('registry endpoints', () => {
  test("Docker Hub's API host is registry-1.docker.io, over https", () => {
    expect(bases('docker.io')).toEqual(['https://registry-1.docker.io/ (docker.io)']);
  });

  test('loopback registries are plain http, as with Docker; others https unless insecure', () => {
    expect(bases('localhost:5000')).toEqual(['http://localhost:5000/ (localhost:5000)']);
    expect(bases('127.0.0.1:5000')).toEqual(['http://127.0.0.1:5000/ (127.0.0.1:5000)']);
    expect(bases('127.9.8.7')).toEqual(['http://127.9.8.7/ (127.9.8.7)']);
    expect(bases('[::1]:5000')).toEqual(['http://[::1]:5000/ ([::1]:5000)']);
    expect(bases('registry.internal:5000')).toEqual(['https://registry.internal:5000/ (registry.internal:5000)']);
    expect(bases('registry.internal:5000', { insecureRegistries: ['registry.internal:5000'] })).toEqual([
      'http://registry.internal:5000/ (registry.internal:5000)'
    ]);
    expect(isLoopback('128.0.0.1')).toBe(false);
    expect(isLoopback('localhost.example')).toBe(false);
  });

  test('mirrors come first, in order, each with its own credentials; a path prefix is kept', () => {
    expect(bases('docker.io', { mirrors: { 'docker.io': ['https://mirror.example/hub', 'localhost:5001'] } })).toEqual([
      'mirror https://mirror.example/hub/ (mirror.example)',
      'mirror http://localhost:5001/ (localhost:5001)',
      'https://registry-1.docker.io/ (docker.io)'
    ]);
    expect(bases('ghcr.io', { mirrors: { 'docker.io': ['https://mirror.example'] } })).toEqual(['https://ghcr.io/ (ghcr.io)']);
  });

  test('a bad mirror URL is bad input', () => {
    expect(() => parseBaseUrl('ftp://mirror')).toThrow('invalid registry URL "ftp://mirror": not http(s)');
    expect(() => parseBaseUrl('http://')).toThrow('invalid registry URL');
  });
});
