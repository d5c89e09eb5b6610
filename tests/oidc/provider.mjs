// An OpenID provider on the loopback for the single sign-on tests (node's certified
// oidc-provider). It prints `LISTENING <issuer>` once it answers.
//
// Configuration (environment):
//   OIDC_TEST_CLIENT_ID, OIDC_TEST_CLIENT_SECRET   the one confidential client
//   OIDC_TEST_REDIRECT_URIS      comma-separated redirect URIs; on 127.0.0.1 and localhost any
//                                port is accepted (the tests' live server takes a random one)
//   OIDC_TEST_LOGOUT_URIS        comma-separated post-logout redirect URIs (the same rule)
//   OIDC_TEST_ACCOUNTS           JSON: {"id": {"password", "name", "given_name", "family_name",
//                                "email", "employee_id", "groups": [...], "disabled": false}}
//
// The tests change the world between logins through two control routes on the same port:
//   POST /__control/accounts     JSON {"id": {...}} merged into the accounts
//   POST /__control/clock        JSON {"offset": seconds} moves the provider's clock
//
// An authorization request with a `resource` (RFC 8707) gets a JWT access token for that
// audience (RFC 9068), carrying the account's employee_id: what another system sends to the
// API. Without one the access token is opaque, for the userinfo endpoint (the login).
import crypto from 'node:crypto';
import http from 'node:http';
import querystring from 'node:querystring';

import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] || fallback;
const list = (value) => value.split(',').map((item) => item.trim()).filter(Boolean);

const accounts = JSON.parse(env('OIDC_TEST_ACCOUNTS', '{}'));
let clockOffsetMs = 0;
const realNow = Date.now;
Date.now = () => realNow() + clockOffsetMs;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function loginPage(uid, error) {
  return `<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kommunens inloggning</title></head>
<body><main><h1>Kommunens inloggning</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Användarnamn</label> <input id="login" name="login" autofocus>
<label for="password">Lösenord</label> <input id="password" name="password" type="password">
<button type="submit">Logga in</button>
</form></main></body></html>`;
}

// Any port on the loopback for a registered loopback URI (RFC 8252 §7.3, for web clients too).
function withoutLoopbackPort(value) {
  try {
    const url = new URL(value);
    if (!['127.0.0.1', 'localhost'].includes(url.hostname)) return undefined;
    url.port = '';
    return url.href;
  } catch {
    return undefined;
  }
}

function loopbackAllowed(value, registered) {
  const wanted = withoutLoopbackPort(value);
  return wanted !== undefined && registered.some((uri) => withoutLoopbackPort(uri) === wanted);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: env('OIDC_TEST_CLIENT_ID', 'tyreso-it'),
      client_secret: env('OIDC_TEST_CLIENT_SECRET', 'test-secret-of-the-client'),
      redirect_uris: list(env('OIDC_TEST_REDIRECT_URIS', 'http://127.0.0.1/oidc/callback/')),
      post_logout_redirect_uris: list(env('OIDC_TEST_LOGOUT_URIS', 'http://127.0.0.1/konto/logga-in/')),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['cookie-key-of-the-test-provider'] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => ({
          audience: resource,
          scope: 'api',
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    async extraTokenClaims(ctx, token) {
      const account = accounts[token.accountId];
      return account ? { employee_id: account.employee_id } : undefined;
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'employee_id'],
      groups: ['groups'],
    },
    ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account || account.disabled) {
        // A disabled account's login here ends: the next request asks for a login again
        // (with prompt=none: the error login_required).
        if (ctx?.oidc?.session?.accountId === id) delete ctx.oidc.session.accountId;
        return undefined;
      }
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            name: account.name,
            given_name: account.given_name,
            family_name: account.family_name,
            email: account.email,
            email_verified: true,
            employee_id: account.employee_id,
            groups: account.groups || [],
          };
        },
      };
    },
    // First-party client: the consent is given with the login.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
      if (ctx.oidc.params.resource) grant.addResourceScope(ctx.oidc.params.resource, 'api');
      await grant.save();
      return grant;
    },
  });
  const redirectAllowed = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function allowed(value) {
    return redirectAllowed.call(this, value) || loopbackAllowed(value, this.redirectUris);
  };
  const logoutAllowed = provider.Client.prototype.postLogoutRedirectUriAllowed;
  provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
    return logoutAllowed.call(this, value)
      || loopbackAllowed(value, this.postLogoutRedirectUris || []);
  };
  provider.on('server_error', (ctx, error) => process.stderr.write(`${error.stack}\n`));
  const oidc = provider.callback();

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (action === undefined && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(uid));
      return;
    }
    const form = querystring.parse(await readBody(req));
    const account = accounts[form.login];
    if (!account || account.password !== form.password) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(uid, 'Fel användarnamn eller lösenord.'));
      return;
    }
    if (account.disabled) {
      await provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'The account is disabled.',
      }, { mergeWithLastSubmission: false });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: form.login } },
      { mergeWithLastSubmission: false });
  }

  async function control(req, res, what) {
    const body = JSON.parse((await readBody(req)) || '{}');
    if (what === 'accounts') {
      for (const [id, account] of Object.entries(body)) {
        accounts[id] = { ...(accounts[id] || {}), ...account };
      }
    } else if (what === 'clock') {
      clockOffsetMs = Number(body.offset || 0) * 1000;
    } else {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(204);
    res.end();
  }

  server.on('request', async (req, res) => {
    try {
      const path = new URL(req.url, issuer).pathname;
      const controlMatch = path.match(/^\/__control\/(\w+)$/);
      const interactionMatch = path.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
      if (controlMatch && req.method === 'POST') {
        await control(req, res, controlMatch[1]);
      } else if (interactionMatch) {
        await interaction(req, res, interactionMatch[1], interactionMatch[2]);
      } else {
        oidc(req, res);
      }
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(String(error));
    }
  });
  process.stdout.write(`LISTENING ${issuer}\n`);
});
