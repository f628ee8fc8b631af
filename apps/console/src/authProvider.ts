import type { AuthProvider } from 'react-admin';
import { apiFetch } from './apiFetch';

interface User {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'customer';
}

let current: Promise<User | undefined> | undefined;

/** The signed-in user, asked of the gateway once per page load (the session lives in an HttpOnly cookie). */
function me(): Promise<User | undefined> {
  current ??= apiFetch('/api/auth/me').then(async (res) => (res.ok ? ((await res.json()) as { user: User }).user : undefined));
  return current;
}

/** react-admin's auth on the gateway's session endpoints. */
export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    const res = await apiFetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: username, password }),
    });
    const body = (await res.json().catch(() => ({}))) as { user?: User; message?: string };
    if (!res.ok || !body.user) throw new Error(body.message ?? 'sign-in failed');
    current = Promise.resolve(body.user);
  },
  async logout() {
    await apiFetch('/api/auth/logout', { method: 'POST' });
    current = Promise.resolve(undefined);
  },
  async checkAuth() {
    if (!(await me())) throw new Error('sign in required');
  },
  async checkError(error: { status?: number }) {
    if (error.status === 401) {
      current = undefined;
      throw new Error('session ended');
    }
  },
  async getPermissions() {
    return (await me())?.role;
  },
  async getIdentity() {
    const user = await me();
    if (!user) throw new Error('sign in required');
    return { id: user.id, fullName: `${user.name} (${user.role})` };
  },
};
