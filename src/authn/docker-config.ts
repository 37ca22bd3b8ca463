import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError, messageOf } from '../errors.js';
import { DOCKER_HUB } from '../name/reference.js';
import type { Credentials } from './credentials.js';

/**
 * Docker's client configuration as docker/cli reads it (`cli/config/configfile`), limited
 * to what says where credentials are: `auths`, `credsStore`, `credHelpers`, and the
 * `DOCKER_AUTH_CONFIG` variable docker/cli reads before all of them.
 */
export interface DockerConfig {
  /** The file the configuration came from (read or not), for messages. */
  file: string;
  /** `auths` entries by key as written, in file order, with `auth` decoded. */
  auths: Map<string, Credentials>;
  /** The helper for every registry without a `credHelpers` entry. */
  credsStore?: string;
  /** Helper per registry key, taking precedence over `credsStore`. */
  credHelpers: Map<string, string>;
  /** `auths` of `DOCKER_AUTH_CONFIG`, taking precedence over the file. */
  environmentAuths: Map<string, Credentials>;
}

export interface DockerConfigLocation {
  /** Directory holding `config.json`; else `$DOCKER_CONFIG`, else `<home>/.docker`. */
  dockerConfigDir?: string;
  homeDir?: string;
  /** Where `DOCKER_CONFIG` and `DOCKER_AUTH_CONFIG` are read; this process's environment by default. */
  env?: NodeJS.ProcessEnv;
}

/** Where `docker login` keeps Docker Hub's credentials (docker/cli's `registry.IndexServer`). */
const DOCKER_HUB_SERVER_ADDRESS = 'https://index.docker.io/v1/';
/** Hosts a config key may use for Docker Hub; docker/cli itself only finds the index URL. */
const DOCKER_HUB_HOSTS = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
const CONFIG_FILE_NAME = 'config.json';
const AUTH_CONFIG_VARIABLE = 'DOCKER_AUTH_CONFIG';

export function dockerConfigFile(location: DockerConfigLocation = {}): string {
  const env = location.env ?? process.env;
  // docker/cli treats an empty DOCKER_CONFIG as unset.
  const dir = location.dockerConfigDir || env.DOCKER_CONFIG || join(location.homeDir ?? homedir(), '.docker');
  return join(dir, CONFIG_FILE_NAME);
}

/** Reads the configuration; a missing file is an empty one, as with docker/cli. */
export async function loadDockerConfig(location: DockerConfigLocation = {}): Promise<DockerConfig> {
  const file = dockerConfigFile(location);
  const environmentAuths = parseAuthConfigVariable((location.env ?? process.env)[AUTH_CONFIG_VARIABLE]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ...emptyConfig(file), environmentAuths };
    throw new InputError(`cannot read docker config file ${file}: ${code ?? messageOf(error)}`);
  }
  return { ...parseDockerConfig(text, file), environmentAuths };
}

/** Parses the text of `file`; messages name the file and the field, never a value. */
export function parseDockerConfig(text: string, file: string): DockerConfig {
  const where = `docker config file ${file}`;
  // docker/cli reads an empty file as an empty configuration.
  if (text.trim() === '') return emptyConfig(file);
  const document = parseJson(text, where);
  if (document === null) return emptyConfig(file);
  if (!isObject(document)) throw new InputError(`${where}: expected a JSON object`);
  return {
    file,
    auths: parseAuths(field(document, 'auths'), where, false),
    credsStore: optionalString(field(document, 'credsStore'), `${where}: "credsStore"`),
    credHelpers: parseCredHelpers(field(document, 'credHelpers'), where),
    environmentAuths: new Map()
  };
}

/**
 * The key docker/cli looks a registry's credentials up by, and the server URL it gives a
 * credential helper: Docker Hub's index URL, else the registry host itself.
 */
export function serverAddressOf(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_SERVER_ADDRESS : registry;
}

/**
 * The entry for `registry`: under the key docker/cli asks for, else under the first key
 * naming the same host once scheme and path are stripped (docker/cli's fallback for keys
 * written as URLs, widened to the other names of Docker Hub).
 */
export function entryFor<T>(entries: Map<string, T>, registry: string): T | undefined {
  const exact = entries.get(serverAddressOf(registry));
  if (exact !== undefined) return exact;
  for (const [key, value] of entries) {
    if (registryOfKey(key) === registry) return value;
  }
  return undefined;
}

/**
 * The credential helper docker/cli asks for `registry`: its `credHelpers` entry, else
 * `credsStore`; undefined means the file's own `auths`. An empty `credHelpers` entry
 * also means the file, as in docker/cli.
 */
export function helperFor(config: DockerConfig, registry: string): string | undefined {
  return (entryFor(config.credHelpers, registry) ?? config.credsStore) || undefined;
}

function emptyConfig(file: string): DockerConfig {
  return { file, auths: new Map(), credHelpers: new Map(), environmentAuths: new Map() };
}

/** docker/cli's `ConvertToHostname`, with Docker Hub's names folded into `docker.io`. */
function registryOfKey(key: string): string {
  const host = key.includes('://') && URL.canParse(key) ? new URL(key).host : '';
  const hostname = host || key.split('/')[0];
  return DOCKER_HUB_HOSTS.has(hostname) ? DOCKER_HUB : hostname;
}

/** `DOCKER_AUTH_CONFIG`: `{"auths": {"<key>": {"auth": "<base64 user:password>"}}}`. */
function parseAuthConfigVariable(value: string | undefined): Map<string, Credentials> {
  // docker/cli treats an empty variable as unset.
  if (!value) return new Map();
  const document = parseJson(value, AUTH_CONFIG_VARIABLE);
  if (!isObject(document)) throw new InputError(`${AUTH_CONFIG_VARIABLE}: expected a JSON object`);
  return parseAuths(field(document, 'auths'), AUTH_CONFIG_VARIABLE, true);
}

function parseAuths(value: unknown, where: string, requireAuth: boolean): Map<string, Credentials> {
  const auths = new Map<string, Credentials>();
  if (value === undefined || value === null) return auths;
  if (!isObject(value)) throw new InputError(`${where}: "auths" must be an object`);
  for (const [key, entry] of Object.entries(value)) {
    const at = `${where}: "auths" entry "${key}"`;
    if (entry === null) continue;
    if (!isObject(entry)) throw new InputError(`${at} must be an object`);
    const read = (name: string) => optionalString(field(entry, name), `${at}, "${name}"`);
    const auth = read('auth');
    if (requireAuth && !auth) throw new InputError(`${at} has no "auth"`);
    // As in docker/cli, `auth` wins over `username` and `password`.
    const login = auth ? decodeAuth(auth, at) : { username: read('username'), password: read('password') };
    auths.set(key, withoutEmpty({ ...login, identityToken: read('identitytoken'), registryToken: read('registrytoken') }));
  }
  return auths;
}

function parseCredHelpers(value: unknown, where: string): Map<string, string> {
  const helpers = new Map<string, string>();
  if (value === undefined || value === null) return helpers;
  if (!isObject(value)) throw new InputError(`${where}: "credHelpers" must be an object`);
  for (const [key, helper] of Object.entries(value)) {
    if (typeof helper !== 'string') throw new InputError(`${where}: "credHelpers" entry "${key}" must be a string`);
    helpers.set(key, helper);
  }
  return helpers;
}

/** docker/cli's `decodeAuth`: standard base64 of `user:password`; the password may hold `:`. */
function decodeAuth(auth: string, at: string): Credentials {
  const invalid = () => new InputError(`${at}: "auth" is not base64 of "username:password"`);
  // Go's decoder skips line breaks; Buffer.from would skip any invalid character, so check first.
  const base64 = auth.replace(/[\r\n]/g, '');
  if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw invalid();
  const decoded = Buffer.from(base64, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw invalid();
  // docker/cli trims NUL padding some writers leave after the password.
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}

/**
 * JSON.parse whose errors carry a position but never the text: V8 quotes the input
 * around the error, which may be a password.
 */
function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec(messageOf(error))?.[1];
    throw new InputError(`${where} is not valid JSON${position === undefined ? '' : ` (${lineAndColumn(text, Number(position))})`}`);
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** Go's encoding/json matches field names regardless of case, so docker/cli accepts `Auth` too. */
function field(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InputError(`${what} must be a string`);
  return value;
}

function withoutEmpty(credentials: Credentials): Credentials {
  return Object.fromEntries(Object.entries(credentials).filter(([, value]) => value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
