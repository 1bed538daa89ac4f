// Signing in: the first-run set-up of the admin account (after opening the one-time link the bridge printed), or
// the username and password form; a refused attempt and the rate limit say so in words.
import { useState } from 'react';
import { Banner, BlockStack, Button, Card, Form, FormLayout, Text, TextField } from '@shopify/polaris';
import { api, ApiError } from '../api';
import type { SessionInfo } from '../App';

export function SignIn({ session, onSignedIn }: { session: SessionInfo; onSignedIn: (s: SessionInfo) => void }) {
  const setup = session.setupRequired;
  const [username, setUsername] = useState(setup ? 'admin' : '');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ password?: string; repeat?: string }>({});
  const [busy, setBusy] = useState(false);
  const linkExpired = new URLSearchParams(window.location.search).get('signin') === 'link-expired';

  const submit = async () => {
    setError(null);
    setFieldErrors({});
    if (setup) {
      if ([...password].length < session.minPasswordLength)
        return setFieldErrors({ password: `Use at least ${session.minPasswordLength} characters.` });
      if (password !== repeat) return setFieldErrors({ repeat: 'The two passwords are not the same.' });
    }
    setBusy(true);
    try {
      const s = await api<SessionInfo>('POST', setup ? '/setup' : '/session', { username, password });
      window.history.replaceState(null, '', window.location.pathname.replace(/\/setup$/, '/'));
      onSignedIn(s);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429)
        setError(`Too many attempts. Wait ${e.retryAfter ? `${e.retryAfter} seconds` : 'a few minutes'} and try again.`);
      else setError(e instanceof ApiError ? e.message : 'The bridge cannot be reached.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <div>
        <BlockStack gap="400">
          <Text as="h1" variant="headingXl" alignment="center">
            shopify-scim
          </Text>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingLg">
                {setup ? 'Create the admin account' : 'Sign in'}
              </Text>
              {linkExpired ? (
                <Banner tone="warning" title="That sign-in link has been used or has expired">
                  <p>
                    Sign in with your password, or print a new link with <code className="inline-code">npx shopify-scim admin link</code>.
                  </p>
                </Banner>
              ) : null}
              {setup && !session.setupAllowed ? (
                <Banner tone="info" title="Open the sign-in link first">
                  <p>
                    When it starts, the bridge prints a one-time sign-in link (and{' '}
                    <code className="inline-code">npx shopify-scim admin link</code> prints a new one). Open it in this browser to create
                    the admin account, or set <code className="inline-code">ADMIN_PASSWORD</code> and restart.
                  </p>
                </Banner>
              ) : (
                <Form onSubmit={submit}>
                  <FormLayout>
                    {setup ? (
                      <Text as="p">This account manages every store this bridge serves. You can sign in with it from any browser.</Text>
                    ) : null}
                    <TextField label="Username" value={username} onChange={setUsername} autoComplete="username" requiredIndicator />
                    <TextField
                      label="Password"
                      type="password"
                      value={password}
                      onChange={setPassword}
                      autoComplete={setup ? 'new-password' : 'current-password'}
                      helpText={setup ? `At least ${session.minPasswordLength} characters.` : undefined}
                      error={fieldErrors.password}
                      requiredIndicator
                    />
                    {setup ? (
                      <TextField
                        label="Repeat the password"
                        type="password"
                        value={repeat}
                        onChange={setRepeat}
                        autoComplete="new-password"
                        error={fieldErrors.repeat}
                        requiredIndicator
                      />
                    ) : null}
                    {error ? (
                      <Banner tone="critical">
                        <p role="alert">{error}</p>
                      </Banner>
                    ) : null}
                    <Button submit variant="primary" loading={busy} fullWidth>
                      {setup ? 'Create account and continue' : 'Sign in'}
                    </Button>
                  </FormLayout>
                </Form>
              )}
            </BlockStack>
          </Card>
        </BlockStack>
      </div>
    </div>
  );
}
