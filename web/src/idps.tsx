// Step-by-step setup of each SCIM client, with this deployment's SCIM base URL (and, right after issuing, the token)
// filled in; the quirks each one has are handled by the bridge, so the steps only say where to click.
import type { ReactNode } from 'react';

export interface Idp {
  key: string;
  name: string;
  blurb: string;
  steps: (v: { baseUrl: string; token: string }) => ReactNode[];
}

const C = ({ children }: { children: ReactNode }) => <code>{children}</code>;

export const IDPS: Idp[] = [
  {
    key: 'okta',
    name: 'Okta',
    blurb: 'An app integration with SCIM provisioning.',
    steps: ({ baseUrl, token }) => [
      <>In the Okta Admin Console open <b>Applications → Applications → Create App Integration</b>, choose <b>SAML 2.0</b> (or SWA) and finish the wizard.</>,
      <>On the app's <b>General</b> tab, <b>Edit</b> App Settings, tick <b>Enable SCIM provisioning</b> and save.</>,
      <>On <b>Provisioning → Integration</b> set <b>SCIM connector base URL</b> to <C>{baseUrl}</C> and <b>Unique identifier field for users</b> to <C>userName</C>.</>,
      <>Tick <b>Push New Users</b>, <b>Push Profile Updates</b> and <b>Push Groups</b>; set <b>Authentication Mode</b> to <b>HTTP Header</b> and paste <C>{token}</C> as the Bearer token. <b>Test Connector Configuration</b>, then save.</>,
      <>On <b>Provisioning → To App</b> enable <b>Create Users</b>, <b>Update User Attributes</b> and <b>Deactivate Users</b>, then assign people or groups to the app.</>,
    ],
  },
  {
    key: 'entra',
    name: 'Microsoft Entra ID',
    blurb: 'An enterprise application with automatic provisioning.',
    steps: ({ baseUrl, token }) => [
      <>In the Microsoft Entra admin center open <b>Enterprise applications → New application → Create your own application</b> and choose <b>Integrate any other application you don't find in the gallery</b>.</>,
      <>Open <b>Provisioning</b>, <b>Get started</b>, and set <b>Provisioning Mode</b> to <b>Automatic</b>.</>,
      <>Set <b>Tenant URL</b> to <C>{baseUrl}</C> and <b>Secret Token</b> to <C>{token}</C>, then <b>Test Connection</b> and save.</>,
      <>Check <b>Mappings</b> (the defaults work: <C>userPrincipalName</C> becomes <C>userName</C>), assign users and groups, and <b>Start provisioning</b>.</>,
    ],
  },
  {
    key: 'onelogin',
    name: 'OneLogin',
    blurb: 'The SCIM Provisioner connector.',
    steps: ({ baseUrl, token }) => [
      <>In OneLogin open <b>Applications → Add App</b> and pick <b>SCIM Provisioner with SAML (SCIM v2 Enterprise)</b>.</>,
      <>On <b>Configuration</b> set <b>SCIM Base URL</b> to <C>{baseUrl}</C> and <b>SCIM Bearer Token</b> to <C>{token}</C>; <b>Enable</b> the API connection.</>,
      <>On <b>Provisioning</b> tick <b>Enable provisioning</b> and choose what a deletion and a suspension do; save.</>,
      <>Assign the app to users (and map roles to groups on <b>Parameters</b> if you want group tags).</>,
    ],
  },
  {
    key: 'jumpcloud',
    name: 'JumpCloud',
    blurb: 'A custom application with Identity Management.',
    steps: ({ baseUrl, token }) => [
      <>In the JumpCloud Admin Portal open <b>SSO Applications → Add New Application → Custom Application</b> and tick <b>Manage Single Sign-On</b> and <b>Export users to this app (Identity Management)</b>.</>,
      <>Under <b>Identity Management</b> choose <b>SCIM 2.0</b>, set <b>Base URL</b> to <C>{baseUrl}</C> and <b>Token Key</b> to <C>{token}</C>.</>,
      <><b>Test Connection</b>: JumpCloud creates and deletes a test user, which the bridge handles. Then <b>Activate</b>.</>,
      <>Bind user groups to the application on its <b>User Groups</b> tab.</>,
    ],
  },
  {
    key: 'google',
    name: 'Google Workspace',
    blurb: 'A custom SAML app with automatic user provisioning.',
    steps: ({ baseUrl, token }) => [
      <>In the Google Admin console open <b>Apps → Web and mobile apps → Add app → Add custom SAML app</b> and finish the SAML steps.</>,
      <>Open the app, then <b>Auto-provisioning</b>, and give the endpoint URL <C>{baseUrl}</C> and the token <C>{token}</C>.</>,
      <>Map the attributes (primary e-mail to <C>userName</C>), choose the organisational units or groups in scope, and turn <b>Auto-provisioning</b> on. Google syncs every few hours.</>,
    ],
  },
  {
    key: 'custom',
    name: 'Your own application',
    blurb: 'A sign-up form or another website calling the SCIM API from its server.',
    steps: ({ baseUrl }) => [
      <>Call <C>{`${baseUrl}/Users`}</C> with <C>{'Authorization: Bearer <token>'}</C> and <C>Content-Type: application/scim+json</C> from your server, never from a browser.</>,
      <>POST creates a user (and the Shopify customer), PATCH or PUT changes it, <C>{'{"active": false}'}</C> deactivates it, DELETE removes it. The examples below are ready to paste.</>,
    ],
  },
];

/** Examples for a custom app before a token was issued (the issued token's answer has ones with the token in). */
export function placeholderExamples(baseUrl: string): { curl: string; fetch: string } {
  return {
    curl: `curl -sS -X POST '${baseUrl}/Users' \\\n  -H "Authorization: Bearer $SCIM_TOKEN" \\\n  -H 'Content-Type: application/scim+json' \\\n  -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"sam@example.com","name":{"givenName":"Sam","familyName":"Lee"},"emails":[{"value":"sam@example.com","primary":true}]}'`,
    fetch: `const res = await fetch('${baseUrl}/Users', {\n  method: 'POST',\n  headers: { authorization: \`Bearer \${process.env.SCIM_TOKEN}\`, 'content-type': 'application/scim+json' },\n  body: JSON.stringify({\n    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],\n    userName: 'sam@example.com',\n    name: { givenName: 'Sam', familyName: 'Lee' },\n    emails: [{ value: 'sam@example.com', primary: true }],\n  }),\n});\nconsole.log(res.status, await res.json());`,
  };
}
