import { createRequire } from 'node:module';
import type * as Auth0Ai from '@auth0/ai';
import type * as Interrupts from '@auth0/ai/interrupts';
import type * as Stores from '@auth0/ai/stores';
import type * as TokenVault from '@auth0/ai/TokenVault';

/**
 * The only door to @auth0/ai. Its ESM build uses extensionless imports that native Node ESM
 * cannot load, so the CommonJS build is required here; loading it from one module also keeps
 * one copy of its AsyncLocalStorage and error classes (instanceof checks depend on that).
 */
const require = createRequire(import.meta.url);

export const { TokenVaultAuthorizerBase, getAccessTokenFromTokenVault } = require('@auth0/ai/TokenVault') as typeof TokenVault;
export const { TokenVaultInterrupt, TokenVaultError, Auth0Interrupt } = require('@auth0/ai/interrupts') as typeof Interrupts;
export type Store = Stores.Store;
export type TokenVaultInterruptType = Interrupts.TokenVaultInterrupt;
export type TokenSet = Auth0Ai.TokenSet;
export type TokenResponse = Auth0Ai.TokenResponse;
