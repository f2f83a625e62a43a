/** @actions/github, loaded on first use: a chunk of its own, so a push to main never parses it (see aws/load-sdk.ts). */
import type * as GitHubSdk from '@actions/github';

export const loadGitHub = (): Promise<typeof GitHubSdk> => import('@actions/github');
