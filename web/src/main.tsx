// Entry of the admin UI: Polaris (Shopify's admin design system, English texts), client-side routes under /admin.
import { StrictMode, forwardRef, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link as RouterLink } from 'react-router-dom';
import { AppProvider } from '@shopify/polaris';
import en from '@shopify/polaris/locales/en.json';
import '@shopify/polaris/build/esm/styles.css';
import './styles.css';
import { App } from './App';

/** Polaris links and buttons with a url navigate inside the app; addresses elsewhere are plain links. */
interface LinkProps {
  url: string;
  children?: ReactNode;
  external?: boolean;
  className?: string;
  id?: string;
  'aria-label'?: string;
}

const Link = forwardRef<HTMLAnchorElement, LinkProps>(function Link({ url, children, external, ...rest }: LinkProps, ref) {
  if (external || /^(https?:|mailto:)/.test(url) || url.startsWith('/admin/api/'))
    return (
      <a ref={ref} href={url} {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})} {...rest}>
        {children}
      </a>
    );
  return (
    <RouterLink ref={ref} to={url} {...rest}>
      {children}
    </RouterLink>
  );
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider i18n={en} linkComponent={Link as never}>
      <BrowserRouter basename="/admin">
        <App />
      </BrowserRouter>
    </AppProvider>
  </StrictMode>,
);
