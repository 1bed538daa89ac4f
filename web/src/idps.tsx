// Step-by-step setup of each SCIM client, with this deployment's SCIM base URL (and, right after issuing, the token)
// filled in, and the tenant policies each one needs; the quirks each one has are handled by the bridge, so the
// steps only say where to click.
import type { ReactNode } from 'react';

/** The tenant policies an IdP's hint reads (see the policies page). */
export interface PolicyValues {
  onShopifyRefusal: 'hold' | 'reject';
  reactivateOnPost: boolean;
  uniqueExternalId: boolean;
  groupPatchResponse: 'resource' | 'noContent';
}

export interface Idp {
  key: string;
  name: string;
  blurb: string;
  steps: (v: { baseUrl: string; token: string }) => ReactNode[];
  /** which tenant policies this client needs, in a sentence */
  policyHint: ReactNode;
  /** what in the tenant's current policies does not suit this client, if anything */
  policyProblem?: (p: PolicyValues) => string | null;
}

const C = ({ children }: { children: ReactNode }) => <code>{children}</code>;

export const IDPS: Idp[] = [
  {
    key: 'okta',
    name: 'Okta',
    blurb: 'An app integration with SCIM provisioning.',
    steps: ({ baseUrl, token }) => [
      <>
        In the Okta Admin Console open <b>Applications → Applications → Create App Integration</b>, choose <b>SAML 2.0</b> (or SWA) and
        finish the wizard.
      </>,
      <>
        On the app's <b>General</b> tab, <b>Edit</b> App Settings, tick <b>Enable SCIM provisioning</b> and save.
      </>,
      <>
        On <b>Provisioning → Integration</b> set <b>SCIM connector base URL</b> to <C>{baseUrl}</C> and{' '}
        <b>Unique identifier field for users</b> to <C>userName</C>.
      </>,
      <>
        Tick <b>Push New Users</b>, <b>Push Profile Updates</b> and <b>Push Groups</b>; set <b>Authentication Mode</b> to <b>HTTP Header</b>{' '}
        and paste <C>{token}</C> as the Bearer token. <b>Test Connector Configuration</b>, then save.
      </>,
      <>
        On <b>Provisioning → To App</b> enable <b>Create Users</b>, <b>Update User Attributes</b> and <b>Deactivate Users</b>, then assign
        people or groups to the app.
      </>,
    ],
    policyHint: (
      <>
        The defaults fit: Okta looks a user up before it creates one and reactivates by PATCH or PUT. Only an app built with the app wizard
        that reactivates by a new POST needs <C>reactivateOnPost</C>.
      </>
    ),
  },
  {
    key: 'entra',
    name: 'Microsoft Entra ID',
    blurb: 'An enterprise application with automatic provisioning.',
    steps: ({ baseUrl, token }) => [
      <>
        In the Microsoft Entra admin center open <b>Enterprise applications → New application → Create your own application</b>, name it and
        choose <b>Integrate any other application you don't find in the gallery (Non-gallery)</b>.
      </>,
      <>
        In the application open <b>Provisioning</b>, <b>Get started</b> (or <b>New configuration</b>), and set <b>Provisioning Mode</b> to{' '}
        <b>Automatic</b>.
      </>,
      <>
        Under <b>Admin Credentials</b> set <b>Tenant URL</b> to <C>{baseUrl}</C> and <b>Secret Token</b> to <C>{token}</C>, click{' '}
        <b>Test Connection</b>, then <b>Save</b>.
      </>,
      <>
        Open <b>Mappings → Provision Microsoft Entra ID Users</b>. The defaults work: <C>userPrincipalName</C> → <C>userName</C>,{' '}
        <C>mail</C> → <C>{'emails[type eq "work"].value'}</C>, <C>givenName</C> → <C>name.givenName</C>, <C>surname</C> →{' '}
        <C>name.familyName</C>, <C>mailNickname</C> → <C>externalId</C> and <C>Switch([IsSoftDeleted], …)</C> → <C>active</C>; remove what
        should not reach Shopify. Keep <b>Provision Microsoft Entra ID Groups</b> on for group tags.
      </>,
      <>
        Under <b>Settings</b> choose <b>Sync only assigned users and groups</b>, assign people on <b>Users and groups</b>, set{' '}
        <b>Provisioning Status</b> to <b>On</b> and save. Entra runs a cycle every 40 minutes; <b>Provision on demand</b> sends one user
        now.
      </>,
    ],
    policyHint: (
      <>
        Keep <C>onShopifyRefusal</C> on <b>hold</b> (Entra quarantines an application whose calls fail too often) and leave{' '}
        <C>uniqueExternalId</C> off (Entra maps <C>mailNickname</C> to <C>externalId</C>, which can repeat).
      </>
    ),
    policyProblem: (p) =>
      [
        p.onShopifyRefusal === 'reject'
          ? 'onShopifyRefusal is "reject": users Shopify refuses become failed calls, and Entra quarantines the app'
          : null,
        p.uniqueExternalId ? 'uniqueExternalId is on: two people with the same mailNickname are refused' : null,
      ]
        .filter(Boolean)
        .join('; ') || null,
  },
  {
    key: 'onelogin',
    name: 'OneLogin',
    blurb: 'The SCIM Provisioner connector.',
    steps: ({ baseUrl, token }) => [
      <>
        In OneLogin open <b>Applications → Add App</b> and pick <b>SCIM Provisioner with SAML (SCIM v2 Enterprise)</b>.
      </>,
      <>
        On <b>Configuration</b> set <b>SCIM Base URL</b> to <C>{baseUrl}</C> and <b>SCIM Bearer Token</b> to <C>{token}</C>; <b>Enable</b>{' '}
        the API connection.
      </>,
      <>
        On <b>Provisioning</b> tick <b>Enable provisioning</b> and choose what a deletion and a suspension do; save.
      </>,
      <>
        Assign the app to users (and map roles to groups on <b>Parameters</b> if you want group tags).
      </>,
    ],
    policyHint: <>The defaults fit: nothing to change.</>,
  },
  {
    key: 'jumpcloud',
    name: 'JumpCloud',
    blurb: 'A custom application with Identity Management.',
    steps: ({ baseUrl, token }) => [
      <>
        In the JumpCloud Admin Portal open <b>SSO Applications → Add New Application → Custom Application</b> and tick{' '}
        <b>Manage Single Sign-On</b> and <b>Export users to this app (Identity Management)</b>.
      </>,
      <>
        Under <b>Identity Management</b> choose <b>SCIM 2.0</b>, set <b>Base URL</b> to <C>{baseUrl}</C> and <b>Token Key</b> to{' '}
        <C>{token}</C>.
      </>,
      <>
        <b>Test Connection</b>: JumpCloud creates and deletes a test user, which the bridge handles. Then <b>Activate</b>.
      </>,
      <>
        Bind user groups to the application on its <b>User Groups</b> tab.
      </>,
    ],
    policyHint: (
      <>
        Its test connection creates a test user and deletes it. Should it fall back to deactivating (when a delete fails), the next test
        POSTs the same user again: turn on <C>reactivateOnPost</C> if your JumpCloud does that.
      </>
    ),
  },
  {
    key: 'google',
    name: 'Google Workspace',
    blurb: 'A custom SAML app with automatic user provisioning.',
    steps: ({ baseUrl, token }) => [
      <>
        In the Google Admin console open <b>Apps → Web and mobile apps → Add app → Add custom SAML app</b>, name it, complete the SAML
        details and <b>Finish</b>.
      </>,
      <>
        Open the app and, in its <b>Auto-provisioning</b> section, <b>Configure auto-provisioning</b>: give the access token <C>{token}</C>{' '}
        and the endpoint URL <C>{baseUrl}</C>, then <b>Continue</b>.
      </>,
      <>
        Map the attributes: <b>Primary email</b> → <C>userName</C>, <b>First name</b> → <C>name.givenName</C>, <b>Last name</b> →{' '}
        <C>name.familyName</C>; <b>Continue</b>.
      </>,
      <>
        Choose the groups in scope and what suspending or deleting a user does (deprovisioning), then <b>Finish</b>.
      </>,
      <>
        Turn <b>Auto-provisioning</b> on, and <b>User access</b> on for the organisational units in scope. Google checks the endpoint (
        <C>GET /Users?count=1</C>) and syncs every few hours.
      </>,
    ],
    policyHint: <>The defaults fit: nothing to change.</>,
  },
  {
    key: 'custom',
    name: 'Your own application',
    blurb: 'A sign-up form or another website calling the SCIM API from its server.',
    steps: ({ baseUrl }) => [
      <>
        Call <C>{`${baseUrl}/Users`}</C> with <C>{'Authorization: Bearer <token>'}</C> and <C>Content-Type: application/scim+json</C> from
        your server, never from a browser.
      </>,
      <>
        POST creates a user (and the Shopify customer), PATCH or PUT changes it, <C>{'{"active": false}'}</C> deactivates it, DELETE removes
        it. The examples below are ready to paste.
      </>,
    ],
    policyHint: (
      <>
        Choose <C>onShopifyRefusal</C> <b>reject</b> if your application should get Shopify's refusal as the SCIM error at once (the
        default, <b>hold</b>, keeps the user and shows the refusal as its sync state), and <C>reactivateOnPost</C> if it re-creates users by
        POST.
      </>
    ),
  },
];

/** Examples for a custom app before a token was issued (the issued token's answer has ones with the token in). */
export function placeholderExamples(baseUrl: string): { curl: string; fetch: string } {
  return {
    curl: `curl -sS -X POST '${baseUrl}/Users' \\\n  -H "Authorization: Bearer $SCIM_TOKEN" \\\n  -H 'Content-Type: application/scim+json' \\\n  -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"sam@example.com","name":{"givenName":"Sam","familyName":"Lee"},"emails":[{"value":"sam@example.com","primary":true}]}'`,
    fetch: `const res = await fetch('${baseUrl}/Users', {\n  method: 'POST',\n  headers: { authorization: \`Bearer \${process.env.SCIM_TOKEN}\`, 'content-type': 'application/scim+json' },\n  body: JSON.stringify({\n    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],\n    userName: 'sam@example.com',\n    name: { givenName: 'Sam', familyName: 'Lee' },\n    emails: [{ value: 'sam@example.com', primary: true }],\n  }),\n});\nconsole.log(res.status, await res.json());`,
  };
}
