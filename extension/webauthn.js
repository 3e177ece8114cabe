// The WebAuthn ceremonies of passkey unlock (issue 26): creating a credential with the PRF extension,
// and asking an authenticator for its PRF output over a slot's salt. The relying party is the
// extension's own origin (Chromium's default for an extension page); the PRF output never leaves the
// caller's hands except into the core, and the caller zeroes it. No DOM, no storage.

const SALT_BYTES = 32;
// The flags byte of the authenticator data follows the 32-byte rpIdHash (WebAuthn §6.1); bit 4 is
// BS, "backup state": the credential is backed up (synced by a passkey provider such as the browser
// account), so it exists on the person's other devices too.
const FLAGS_OFFSET = 32;
const BACKUP_STATE = 0x10;

/** Whether this page can run WebAuthn at all (a browser without it hides passkey unlock). */
export const webauthnAvailable = () => typeof globalThis.PublicKeyCredential === 'function';

const random = (n) => crypto.getRandomValues(new Uint8Array(n));

/** base64url without padding (WebAuthn's encoding of ids; the core stores ids and salts so). */
export function toBase64url(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64url(text) {
  return Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));
}

/** A BufferSource (ArrayBuffer or a view) as a Uint8Array over the same memory, so zeroing it zeroes that. */
function bytesOf(source) {
  return ArrayBuffer.isView(source)
    ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
    : new Uint8Array(source);
}

/**
 * Why a ceremony ended without a PRF output, as an Error with `code` (the popup words it):
 * `passkey_not_used` (cancelled, timed out, or no allowed credential on any authenticator: WebAuthn
 * does not say which, by design), `passkey_already_added` (the authenticator holds one of the vault's
 * credentials already), `passkey_no_prf` (the authenticator has no PRF), `passkey_unsupported`
 * (the browser refuses WebAuthn on this page).
 */
function ceremonyError(code, cause) {
  return Object.assign(new Error(code), { code, cause });
}

/** A DOMException from `navigator.credentials` as the ceremony's error. */
function refused(err, { creating }) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'AbortError':
      return ceremonyError('passkey_not_used', err);
    case 'InvalidStateError':
      // create(): an excluded credential is on this authenticator; get(): none of the allowed is.
      return ceremonyError(creating ? 'passkey_already_added' : 'passkey_not_used', err);
    case 'SecurityError':
    case 'NotSupportedError':
      return ceremonyError('passkey_unsupported', err);
    default:
      return err;
  }
}

const credentialList = (ids) => ids.map((id) => ({ type: 'public-key', id: fromBase64url(id) }));

/**
 * Asks the authenticators for one of `slots` (`[{credentialId, salt}]`, base64url) with user
 * verification, each credential's PRF evaluated on its slot's salt. Returns `{credentialId,
 * prfOutput}` (base64url id; the output as bytes the caller zeroes after use).
 */
export async function evaluate(slots) {
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: {
      challenge: random(32),
      allowCredentials: credentialList(slots.map((s) => s.credentialId)),
      userVerification: 'required',
      extensions: { prf: { evalByCredential: Object.fromEntries(slots.map((s) => [s.credentialId, { first: fromBase64url(s.salt) }])) } },
    } });
  } catch (err) {
    throw refused(err, { creating: false });
  }
  const first = credential?.getClientExtensionResults().prf?.results?.first;
  if (!first) throw ceremonyError('passkey_no_prf');
  return { credentialId: toBase64url(bytesOf(credential.rawId)), prfOutput: bytesOf(first) };
}

/**
 * Creates a credential for a new slot: user verification required, a fresh random 32-byte salt, the
 * PRF evaluated on it at creation or, for authenticators that answer PRF only to get() (CTAP2
 * hmac-secret without its create-time form), by one get() of the new credential. `exclude`: the
 * vault's credential ids (base64url), so one authenticator is not enrolled twice. Returns
 * `{credentialId (bytes), synced, salt, prfOutput}`; the caller zeroes `prfOutput` after use.
 */
export async function enrol(exclude) {
  const salt = random(SALT_BYTES);
  let credential;
  try {
    credential = await navigator.credentials.create({ publicKey: {
      rp: { name: 'Authbar' },
      user: { id: random(16), name: 'Authbar vault', displayName: 'Authbar' },
      challenge: random(32),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
      excludeCredentials: credentialList(exclude),
      authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
      extensions: { prf: { eval: { first: salt } } },
    } });
  } catch (err) {
    throw refused(err, { creating: true });
  }
  const prf = credential.getClientExtensionResults().prf;
  if (!prf?.enabled && !prf?.results) throw ceremonyError('passkey_no_prf');
  const credentialId = bytesOf(credential.rawId).slice();
  const synced = backedUp(credential.response);
  if (prf.results?.first) return { credentialId, synced, salt, prfOutput: bytesOf(prf.results.first) };
  const { prfOutput } = await evaluate([{ credentialId: toBase64url(credentialId), salt: toBase64url(salt) }]);
  return { credentialId, synced, salt, prfOutput };
}

/** Whether the new credential is backed up (BS flag): synced by the browser's or a provider's account. */
function backedUp(response) {
  const data = response?.getAuthenticatorData?.();
  if (!data || data.byteLength <= FLAGS_OFFSET) return false;
  return (bytesOf(data)[FLAGS_OFFSET] & BACKUP_STATE) !== 0;
}
