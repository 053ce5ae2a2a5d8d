/** `?limit=&offset=` of every list, and the page it answers: the API contract's (`@pipewright/nodes/contracts`). */
export { pageQuerySchema, type Page, type PageQuery } from '@pipewright/nodes/contracts';
