/**
 * AWS SDKs that many runs never use, loaded on first use. A dynamic import() makes ncc put each in a
 * chunk file of its own, so a run never even parses what it does not need: a deploy without
 * distribution-id skips the CloudFront client, one without role-to-assume skips STS, one whose bucket
 * blocks public access itself skips S3 Control (the doctor reads the account's settings only when
 * the bucket's do not cover them), and a push to
 * main skips @actions/github (github/load-sdk.ts). Measured with `ls -l dist/`: index.js is 2.8 MB,
 * and the four chunks hold another 0.9 MB that only the runs needing them read.
 */
import type * as CloudFrontSdk from '@aws-sdk/client-cloudfront';
import type * as S3ControlSdk from '@aws-sdk/client-s3-control';
import type * as StsSdk from '@aws-sdk/client-sts';

export const loadCloudFront = (): Promise<typeof CloudFrontSdk> => import('@aws-sdk/client-cloudfront');
export const loadSts = (): Promise<typeof StsSdk> => import('@aws-sdk/client-sts');
export const loadS3Control = (): Promise<typeof S3ControlSdk> => import('@aws-sdk/client-s3-control');
