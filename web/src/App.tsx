// The admin UI's frame: who is signed in (or the first-run set-up), the store (tenant) being looked at, the
// navigation and the pages.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router-dom';
import { Frame, Navigation, TopBar, Toast, Page, Banner } from '@shopify/polaris';
import {
  AlertTriangleIcon,
  CodeIcon,
  ConnectIcon,
  DatabaseIcon,
  HomeIcon,
  ListBulletedIcon,
  PersonIcon,
  SettingsIcon,
  TargetIcon,
  StoreIcon,
  PlusIcon,
} from '@shopify/polaris-icons';
import { api, onUnauthorized, setCsrfToken } from './api';
import { useApi } from './hooks';
import { SignIn } from './pages/SignIn';
import { Onboarding } from './pages/Onboarding';
import { Dashboard } from './pages/Dashboard';
import { Users } from './pages/Users';
import { UserDetail } from './pages/UserDetail';
import { Activity } from './pages/Activity';
import { Jobs } from './pages/Jobs';
import { Connections } from './pages/Connections';
import { Mapping } from './pages/Mapping';
import { Settings } from './pages/Settings';
import { Failures } from './pages/Failures';
import { ApiDocs } from './pages/ApiDocs';
import { Loading } from './components/common';

export interface SessionInfo {
  authenticated: boolean;
  via: 'bearer' | 'session' | null;
  user: { username: string } | null;
  setupRequired: boolean;
  setupAllowed: boolean;
  csrfToken: string | null;
  passwordFromEnvironment: boolean;
  minPasswordLength: number;
  features: { emulator: boolean };
}

export interface TenantEntry {
  name: string;
  displayName: string;
  scimBaseUrl: string;
}

interface AppState {
  session: SessionInfo;
  tenants: TenantEntry[];
  reloadTenants: () => Promise<void>;
  toast: (message: string, error?: boolean) => void;
}

const Ctx = createContext<AppState | null>(null);
export const useApp = (): AppState => useContext(Ctx)!;

/** The tenant of the current page (from /stores/:tenant/…). */
export function useTenant(): TenantEntry {
  const { tenant } = useParams();
  const { tenants } = useApp();
  return tenants.find((t) => t.name === tenant) ?? { name: tenant ?? '', displayName: tenant ?? '', scimBaseUrl: '' };
}

export function App() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const loadSession = useCallback(async () => {
    try {
      const s = await api<SessionInfo>('GET', '/session');
      setCsrfToken(s.csrfToken);
      setSession(s);
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void loadSession();
    return onUnauthorized(() => void loadSession());
  }, [loadSession]);

  if (loadError && !session)
    return (
      <Page narrowWidth>
        <Banner
          tone="critical"
          title="The admin cannot reach the bridge"
          action={{ content: 'Try again', onAction: () => void loadSession() }}
        >
          <p>{loadError}</p>
        </Banner>
      </Page>
    );
  if (!session) return <Loading />;
  if (!session.authenticated) return <SignIn session={session} onSignedIn={(s) => (setCsrfToken(s.csrfToken), setSession(s))} />;
  return <SignedIn session={session} onSignedOut={loadSession} />;
}

function SignedIn({ session, onSignedOut }: { session: SessionInfo; onSignedOut: () => Promise<void> }) {
  const tenants = useApi<{ tenants: TenantEntry[] }>('/tenants');
  const [toastMsg, setToast] = useState<{ message: string; error: boolean } | null>(null);
  const state = useMemo<AppState>(
    () => ({
      session,
      tenants: tenants.data?.tenants ?? [],
      reloadTenants: tenants.reload,
      toast: (message, error = false) => setToast({ message, error }),
    }),
    [session, tenants.data, tenants.reload],
  );
  if (!tenants.data && !tenants.error) return <Loading />;
  return (
    <Ctx.Provider value={state}>
      <Shell
        onSignedOut={onSignedOut}
        toast={toastMsg ? <Toast content={toastMsg.message} error={toastMsg.error} onDismiss={() => setToast(null)} /> : null}
      >
        <Routes>
          <Route
            path="/"
            element={
              state.tenants.length ? (
                <Navigate to={`/stores/${state.tenants[0]!.name}/dashboard`} replace />
              ) : (
                <Navigate to="/welcome" replace />
              )
            }
          />
          <Route path="/setup" element={<Navigate to="/" replace />} />
          <Route path="/welcome" element={<Onboarding />} />
          <Route path="/api-docs" element={<ApiDocs />} />
          <Route path="/stores/:tenant" element={<TenantIndex />} />
          <Route path="/stores/:tenant/dashboard" element={<Dashboard />} />
          <Route path="/stores/:tenant/users" element={<Users />} />
          <Route path="/stores/:tenant/users/:id" element={<UserDetail />} />
          <Route path="/stores/:tenant/failures" element={<Failures />} />
          <Route path="/stores/:tenant/activity" element={<Activity />} />
          <Route path="/stores/:tenant/jobs" element={<Jobs />} />
          <Route path="/stores/:tenant/connections" element={<Connections />} />
          <Route path="/stores/:tenant/mapping" element={<Mapping />} />
          <Route path="/stores/:tenant/settings" element={<Settings />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Shell>
    </Ctx.Provider>
  );
}

function TenantIndex() {
  const { tenant } = useParams();
  return <Navigate to={`/stores/${tenant}/dashboard`} replace />;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <Banner tone="warning" title="There is no page at this address" action={{ content: 'Go to the dashboard', url: '/' }}>
        <p>The link may be old, or the store it names was renamed.</p>
      </Banner>
    </Page>
  );
}

function Shell({ children, onSignedOut, toast }: { children: React.ReactNode; onSignedOut: () => Promise<void>; toast: React.ReactNode }) {
  const { session, tenants } = useApp();
  const location = useLocation();
  const navigate = useNavigate();
  const [userMenu, setUserMenu] = useState(false);
  const [mobileNav, setMobileNav] = useState(false);
  const current = /^\/stores\/([^/]+)/.exec(location.pathname)?.[1] ?? tenants[0]?.name;
  const tenant = tenants.find((t) => t.name === current);
  const signOut = async () => {
    await api('DELETE', '/session').catch(() => undefined);
    setCsrfToken(null);
    await onSignedOut();
    navigate('/');
  };
  const topBar = (
    <TopBar
      showNavigationToggle
      onNavigationToggle={() => setMobileNav((v) => !v)}
      userMenu={
        <TopBar.UserMenu
          name={session.user?.username ?? 'Admin token'}
          detail={tenant?.displayName ?? 'shopify-scim'}
          initials={(session.user?.username ?? 'A').slice(0, 1).toUpperCase()}
          open={userMenu}
          onToggle={() => setUserMenu((v) => !v)}
          actions={[{ items: [{ content: 'Sign out', onAction: () => void signOut() }] }]}
        />
      }
    />
  );
  const base = tenant ? `/stores/${tenant.name}` : '';
  const nav = (
    <Navigation location={location.pathname}>
      {tenants.length > 1 || !tenant ? (
        <Navigation.Section
          title="Stores"
          items={[
            ...tenants.map((t) => ({
              label: t.displayName || t.name,
              url: `/stores/${t.name}/dashboard`,
              icon: StoreIcon,
              selected: t.name === tenant?.name,
              exactMatch: true,
            })),
            { label: 'Add a store', url: '/welcome', icon: PlusIcon },
          ]}
        />
      ) : null}
      {tenant ? (
        <Navigation.Section
          title={tenant.displayName || tenant.name}
          items={[
            { label: 'Dashboard', url: `${base}/dashboard`, icon: HomeIcon },
            { label: 'Users', url: `${base}/users`, icon: PersonIcon, matchPaths: [`${base}/users`] },
            { label: 'Not taken by Shopify', url: `${base}/failures`, icon: AlertTriangleIcon },
            { label: 'Activity', url: `${base}/activity`, icon: ListBulletedIcon },
            { label: 'Jobs', url: `${base}/jobs`, icon: DatabaseIcon },
            { label: 'Connections', url: `${base}/connections`, icon: ConnectIcon },
            { label: 'Mapping', url: `${base}/mapping`, icon: TargetIcon },
            { label: 'Settings', url: `${base}/settings`, icon: SettingsIcon },
          ]}
        />
      ) : null}
      <Navigation.Section
        title="Help"
        separator
        items={[
          ...(tenant && tenants.length === 1 ? [{ label: 'Add a store', url: '/welcome', icon: PlusIcon }] : []),
          { label: 'Admin API', url: '/api-docs', icon: CodeIcon },
        ]}
      />
    </Navigation>
  );
  return (
    <Frame
      logo={{ topBarSource: '/admin/logo.svg', width: 150, url: '/', accessibilityLabel: 'shopify-scim admin home' }}
      topBar={topBar}
      navigation={nav}
      showMobileNavigation={mobileNav}
      onNavigationDismiss={() => setMobileNav(false)}
    >
      {children}
      {toast}
    </Frame>
  );
}
