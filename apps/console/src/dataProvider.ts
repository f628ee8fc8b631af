import { fetchUtils } from 'react-admin';
import simpleRestProvider from 'ra-data-simple-rest';
import { consoleHeaders } from './apiFetch';

/** The stock simple-REST provider on /api: the gateway speaks its filter/sort/range and Content-Range contract. */
export const dataProvider = simpleRestProvider('/api', (url, options = {}) =>
  fetchUtils.fetchJson(url, {
    ...options,
    credentials: 'same-origin',
    headers: consoleHeaders(options.headers ?? { Accept: 'application/json' }),
  }),
);
