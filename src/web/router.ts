/**
 * Declaring an API route once: method, path, who may call it, zod schemas for its body, query
 * and path parameters, and its handler. The router registers it with fastify, validates every
 * input before the handler runs (400 VALIDATION_FAILED with the problems), checks access, and
 * records the operation for the OpenAPI document served at /api/openapi.json.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { webError } from './http-errors.js';
import type { Principal, Session } from './sessions.js';

/** public: anyone; signed-in: any session or token; admin: the administrator only. */
export type Access = 'public' | 'signed-in' | 'admin';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface HandlerInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  principal: Principal | null;
  session: Session | null;
  ip: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteDef<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined> {
  method: HttpMethod;
  /** fastify path syntax: /api/admin/users/:address */
  url: string;
  summary: string;
  tag: string;
  access: Access;
  /** Status of a successful answer; 204 sends no body. Default 200. */
  status?: number;
  body?: B;
  query?: Q;
  params?: P;
  /** Largest request body in bytes (default: the app's limit). */
  bodyLimit?: number;
  /** Error statuses this operation may answer, for the OpenAPI document. */
  errors?: number[];
  /** The shape of a successful answer, for the OpenAPI document. */
  response?: Schema;
  handler(input: HandlerInput<Out<B>, Out<Q>, Out<P>>): Promise<unknown>;
}

type JsonSchema = Record<string, unknown>;

interface Operation {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  access: Access;
  status: number;
  body: JsonSchema | undefined;
  query: JsonSchema | undefined;
  params: JsonSchema | undefined;
  response: JsonSchema | undefined;
  errors: number[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    webSession: Session | null;
  }
}

function toJsonSchema(schema: Schema | undefined, io: 'input' | 'output' = 'input'): JsonSchema | undefined {
  if (!schema) return undefined;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parseWith<S extends Schema | undefined>(schema: S, value: unknown, where: string): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data as Out<S>;
  const problems = result.error.issues.map((issue) => ({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }));
  const first = problems[0];
  throw webError('VALIDATION_FAILED', first ? `Invalid ${first.path}: ${first.message}` : `Invalid ${where}`, problems);
}

/** "GET /api/admin/users/{address}" -> "getAdminUsersByAddress": stable names for client generators. */
function operationId(method: HttpMethod, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .split('/')
    .map((part) => (part.startsWith('{') ? `by-${part.slice(1, -1)}` : part))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
}

export function checkAccess(access: Access, principal: Principal | null): void {
  if (access === 'public') return;
  if (!principal) throw webError('UNAUTHENTICATED', 'Please sign in first.');
  if (access === 'admin' && principal.role !== 'admin') throw webError('FORBIDDEN', 'Only the administrator may do this.');
}

export class ApiRouter {
  private readonly operations: Operation[] = [];

  constructor(private readonly app: FastifyInstance) {}

  add<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(def: RouteDef<B, Q, P>): void {
    const status = def.status ?? 200;
    this.operations.push({
      method: def.method,
      path: def.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: def.summary,
      tag: def.tag,
      access: def.access,
      status,
      body: toJsonSchema(def.body),
      query: toJsonSchema(def.query),
      params: toJsonSchema(def.params),
      response: def.response ? toJsonSchema(def.response, 'output') : undefined,
      errors: def.errors ?? [],
    });
    this.app.route({
      method: def.method,
      url: def.url,
      ...(def.bodyLimit === undefined ? {} : { bodyLimit: def.bodyLimit }),
      handler: async (request, reply) => {
        checkAccess(def.access, request.principal);
        const params = parseWith(def.params as P, request.params, 'params');
        const query = parseWith(def.query as Q, request.query, 'query');
        const body = parseWith(def.body as B, request.body, 'body');
        const result = await def.handler({ body, query, params, principal: request.principal, session: request.webSession, ip: request.ip, request, reply });
        if (reply.sent) return reply;
        if (status === 204) return reply.code(204).send();
        return reply.code(status).send(result ?? {});
      },
    });
  }

  /** The OpenAPI 3.1 document of every route added so far. */
  openApi(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const parameters: Record<string, unknown>[] = [];
      for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
        const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
        const required = new Set((schema?.required as string[] | undefined) ?? []);
        for (const [name, prop] of Object.entries(props)) parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: prop });
      }
      const responses: Record<string, unknown> = {
        [String(op.status)]: op.status === 204 ? { description: 'Done' } : { description: 'Success', content: { 'application/json': { schema: op.response ?? { type: 'object' } } } },
      };
      const errorStatuses = new Set<number>([...op.errors, ...(op.body || op.query || op.params ? [400] : []), ...(op.access === 'public' ? [] : [401]), ...(op.access === 'admin' ? [403] : [])]);
      for (const code of [...errorStatuses].sort()) responses[String(code)] = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      paths[op.path] ??= {};
      (paths[op.path] as Record<string, unknown>)[op.method.toLowerCase()] = {
        operationId: operationId(op.method, op.path),
        summary: op.summary,
        tags: [op.tag],
        security: op.access === 'public' ? [] : [{ session: [], csrf: [] }, { bearer: [] }],
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info: { ...info, description: 'msgstore administration and MailSort API. Browser sessions send the X-CSRF-Token header on every change; scripts use Authorization: Bearer <token>.' },
      paths,
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'msgstore_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
          },
        },
      },
    };
  }
}
