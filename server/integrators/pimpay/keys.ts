import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

/** The smallest RSA key we sign with: PimPay's instructions make 2048-bit keys. */
const MIN_BITS = 2048;

/** «Создать ключи»: a fresh RSA 2048 pair; the private half in PKCS#8 PEM, the public one as `public.pem`. */
export function generatePimPayKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: MIN_BITS });
  return {
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/**
 * A pasted private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`, PEM), checked: RSA, at least 2048 bits, not
 * encrypted. Returns it normalised to PKCS#8 with its public half, or the Russian reason it is refused.
 */
export function readPrivateKey(pem: string): { privateKey: string; publicKey: string } | { error: string } {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem.trim(), format: "pem" });
  } catch (e) {
    const encrypted = /passphrase|encrypted/i.test(String((e as Error).message)) || /ENCRYPTED/.test(pem);
    return {
      error: encrypted
        ? "Ключ зашифрован паролем: вставьте ключ без пароля (openssl rsa -in key.pem -out plain.pem)"
        : "Это не закрытый ключ в формате PEM (-----BEGIN PRIVATE KEY----- или -----BEGIN RSA PRIVATE KEY-----)",
    };
  }
  if (key.asymmetricKeyType !== "rsa") return { error: "Нужен ключ RSA" };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_BITS) return { error: `Ключ слишком короткий (${bits} бит): нужен RSA не меньше ${MIN_BITS} бит` };
  return {
    privateKey: key.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: publicKeyOf(key),
  };
}

/** The public half to put into PimPay's cabinet (SubjectPublicKeyInfo PEM, what `openssl rsa -pubout` writes). */
export function publicKeyOf(privateKey: string | KeyObject): string {
  return createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
}
