/**
 * SDKs that many runs never use, loaded on first use. ncc bundles a require() inside a function
 * but runs the module only when the function is called: a deploy without distribution-id skips
 * the CloudFront client's start-up, one without role-to-assume skips STS's, and a push to main
 * skips @actions/github's.
 */
import type * as CloudFrontSdk from '@aws-sdk/client-cloudfront';
import type * as StsSdk from '@aws-sdk/client-sts';
import type * as GitHubSdk from '@actions/github';

export const loadCloudFront = (): typeof CloudFrontSdk => require('@aws-sdk/client-cloudfront') as typeof CloudFrontSdk;
export const loadGitHub = (): typeof GitHubSdk => require('@actions/github') as typeof GitHubSdk;
export const loadSts = (): typeof StsSdk => require('@aws-sdk/client-sts') as typeof StsSdk;
