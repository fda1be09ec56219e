import type { ApiHandlers, Method } from '../../shared/api.ts';

/**
 * The handlers of the API methods named `<prefix>.…`: each domain's file builds exactly these,
 * so a method missing from its domain, or built in another, is a compile error.
 */
export type DomainHandlers<Prefix extends string> = Pick<ApiHandlers, Extract<Method, `${Prefix}.${string}`>>;
