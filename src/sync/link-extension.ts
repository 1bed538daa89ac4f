// The Shopify extension of a SCIM user (urn:shopify-scim:…:User) as its customer link says: the linked customer, the
// sync state with its reason and code, when it was tried and synced, the tags the bridge manages. One shape for the
// SCIM API and the admin UI's user page.
import type { Json } from '../store/resources.js';
import type { CustomerLink } from '../store/links.js';

/** The extension's attributes for one link; absent values are left out, as SCIM leaves unassigned attributes out. */
export function linkExtension(l: CustomerLink): Json {
  const ext: Json = { syncState: l.syncState };
  if (l.customerId) ext.customerId = l.customerId;
  if (l.syncError) ext.syncError = l.syncError;
  if (l.syncError && l.syncErrorCode) ext.syncErrorCode = l.syncErrorCode;
  if (l.lastSyncedAt) ext.lastSyncedAt = l.lastSyncedAt;
  if (l.lastAttemptAt) ext.lastAttemptAt = l.lastAttemptAt;
  if (l.customerId && l.managedTags.length) ext.tags = l.managedTags;
  return ext;
}
