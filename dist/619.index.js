export const id = 619;
export const ids = [619];
export const modules = {

/***/ 2619:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

const { awsEndpointFunctions, emitWarningIfUnsupportedVersion: emitWarningIfUnsupportedVersion$1, createDefaultUserAgentProvider, NODE_APP_ID_CONFIG_OPTIONS, getAwsRegionExtensionConfiguration, resolveAwsRegionExtensionConfiguration, resolveUserAgentConfig, resolveHostHeaderConfig, getUserAgentPlugin, getHostHeaderPlugin, getLoggerPlugin, getRecursionDetectionPlugin } = __webpack_require__(5152);
const { resolveS3ControlConfig, getHostPrefixDeduplicationPlugin, getProcessArnablesPlugin, getRedirectFromPostIdPlugin } = __webpack_require__(6108);
const { getHttpAuthSchemeEndpointRuleSetPlugin, DefaultIdentityProviderConfig, getHttpSigningPlugin, createPaginator } = __webpack_require__(402);
const { normalizeProvider, getSmithyContext, ServiceException, NoOpLogger, emitWarningIfUnsupportedVersion, loadConfigsForDefaultMode, getDefaultExtensionConfiguration, resolveDefaultRuntimeConfig, Client, makeBuilder, createAggregatedClient } = __webpack_require__(2658);
const { Command: $Command } = __webpack_require__(2658);
exports.$Command = $Command;
exports.__Client = Client;
const { resolveDefaultsModeConfig, loadConfig, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS, resolveRegionConfig } = __webpack_require__(7291);
const { BinaryDecisionDiagram, EndpointCache, decideEndpoint, customEndpointFunctions, resolveEndpointConfig, getEndpointPlugin } = __webpack_require__(2085);
const { parseUrl, getHttpHandlerExtensionConfiguration, resolveHttpHandlerRuntimeConfig, getContentLengthPlugin } = __webpack_require__(3422);
const { DEFAULT_RETRY_MODE, NODE_RETRY_MODE_CONFIG_OPTIONS, NODE_MAX_ATTEMPT_CONFIG_OPTIONS, resolveRetryConfig, getRetryPlugin } = __webpack_require__(3609);
const { TypeRegistry, getSchemaSerdePlugin } = __webpack_require__(6890);
const { resolveAwsSdkSigV4Config, AwsSdkSigV4Signer, NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } = __webpack_require__(7523);
const { defaultProvider } = __webpack_require__(5861);
const { NODE_USE_ARN_REGION_CONFIG_OPTIONS } = __webpack_require__(5028);
const { Sha256, Md5, fileStreamHasher } = __webpack_require__(9542);
const { toUtf8, fromUtf8, toBase64, fromBase64, calculateBodyLength } = __webpack_require__(2430);
const { streamCollector, NodeHttpHandler } = __webpack_require__(1279);
const { AwsRestXmlProtocol } = __webpack_require__(7288);
const { getApplyMd5BodyChecksumPlugin } = __webpack_require__(3415);

const defaultS3ControlHttpAuthSchemeParametersProvider = async (config, context, input) => {
    return {
        operation: getSmithyContext(context).operation,
        region: await normalizeProvider(config.region)() || (() => {
            throw new Error("expected `region` to be configured for `aws.auth#sigv4`");
        })(),
    };
};
function createAwsAuthSigv4HttpAuthOption(authParameters) {
    return {
        schemeId: "aws.auth#sigv4",
        signingProperties: {
            name: "s3",
            region: authParameters.region,
        },
        propertiesExtractor: (config, context) => ({
            signingProperties: {
                config,
                context,
            },
        }),
    };
}
const defaultS3ControlHttpAuthSchemeProvider = (authParameters) => {
    const options = [];
    switch (authParameters.operation) {
        default: {
            options.push(createAwsAuthSigv4HttpAuthOption(authParameters));
        }
    }
    return options;
};
const resolveHttpAuthSchemeConfig = (config) => {
    const config_0 = resolveAwsSdkSigV4Config(config);
    return Object.assign(config_0, {
        authSchemePreference: normalizeProvider(config.authSchemePreference ?? []),
    });
};

const resolveClientEndpointParameters = (options) => {
    return Object.assign(options, {
        useFipsEndpoint: options.useFipsEndpoint ?? false,
        useDualstackEndpoint: options.useDualstackEndpoint ?? false,
        defaultSigningName: "s3",
    });
};
const commonParams = {
    UseArnRegion: { type: "clientContextParams", name: "useArnRegion" },
    UseFIPS: { type: "builtInParams", name: "useFipsEndpoint" },
    Endpoint: { type: "builtInParams", name: "endpoint" },
    Region: { type: "builtInParams", name: "region" },
    UseDualStack: { type: "builtInParams", name: "useDualstackEndpoint" },
};

var version = "3.1111.0";
var packageInfo = {
	version: version};

const ai = "ref", aj = "fn", ak = "argv", al = "authSchemes", am = "disableDoubleEncoding", an = "signingName", ao = "signingRegion", ap = "x-amz-account-id", aq = "x-amz-outpost-id";
const a = -1, b = true, c = false, d = "isSet", e = "aws.partition", f = "partitionResult", g = "booleanEquals", h = "stringEquals", i = "isValidHostLabel", j = "aws.parseArn", k = "resourceArn", l = "getAttr", m = "service", n = "s3express", o = (n) => "arnPartition_ssa_" + n + "", p = "name", q = "coalesce", s = "substring", t = "", u = "--", v = "accessPointArn", w = "resourceId[0]", x = (n) => "arnType_ssa_" + n + t, y = "bucketArn", z = "s3-outposts", A = "resourceId[1]", B = (n) => "outpostId_ssa_" + n + t, C = "resourceId[2]", D = (n) => "outpostType_ssa_" + n + t, E = "resourceId[3]", F = "{url#scheme}://{url#authority}{url#path}", G = "{url#scheme}://{url#authority}", H = (n) => "Client was configured for partition `{partitionResult#name}` but ARN has `{arnPartition_ssa_" + n + "#name}`", I = (n) => "Invalid ARN: The outpost Id must only contain a-z, A-Z, 0-9 and `-`., found: `{outpostId_ssa_" + n + "}`", J = { [aj]: l, [ak]: [{ [ai]: f }, p] }, K = { [ai]: "OutpostId" }, L = { [ai]: k }, M = { [aj]: l, [ak]: [L, "region"] }, N = { [ai]: "AccessPointName" }, O = { [ai]: "Region" }, P = { [ai]: v }, Q = { [ai]: y }, R = { [ai]: "AccountId" }, S = { [aj]: l, [ak]: [P, "accountId"] }, T = { [aj]: l, [ak]: [Q, "accountId"] }, U = { [aj]: l, [ak]: [P, "region"] }, V = { [aj]: l, [ak]: [Q, "region"] }, W = { [al]: [{ [am]: true, [p]: "sigv4", [an]: z, [ao]: "{Region}" }] }, X = { [al]: [{ [am]: true, [p]: "sigv4", [an]: n, [ao]: "{Region}" }] }, Y = { [al]: [{ [am]: true, [p]: "sigv4", [an]: "s3", [ao]: "{Region}" }] }, Z = { [al]: [{ [am]: true, [p]: "sigv4", [an]: z, [ao]: "{accessPointArn#region}" }] }, aa = { [ap]: ["{accessPointArn#accountId}"], [aq]: ["{outpostId_ssa_1}"] }, ab = { [al]: [{ [am]: true, [p]: "sigv4", [an]: z, [ao]: "{bucketArn#region}" }] }, ac = { [ap]: ["{bucketArn#accountId}"], [aq]: ["{outpostId_ssa_2}"] }, ad = [O], ae = [{ [ai]: "ResourceArn" }], af = [{ [ai]: "Endpoint" }], ag = [N], ah = [{ [ai]: "Bucket" }];
const _data = {
    conditions: [
        [d, ad],
        [e, ad, f],
        [g, [{ [ai]: "UseFIPS" }, b]],
        [h, [J, "aws-cn"]],
        [d, [K]],
        [i, [K, c]],
        [d, ae],
        [j, ae, k],
        [h, [{ [aj]: l, [ak]: [L, m] }, n]],
        [e, [M], o(3)],
        [h, [{ [aj]: l, [ak]: [{ [ai]: o(3) }, p] }, J]],
        [d, af],
        [g, [{ [ai]: "UseDualStack" }, b]],
        [g, [{ [aj]: q, [ak]: [{ [ai]: "UseS3ExpressControlEndpoint" }, c] }, b]],
        ["parseURL", af, "url"],
        [d, ag],
        [h, [{ [aj]: q, [ak]: [{ [aj]: s, [ak]: [N, 0, 7, b] }, t] }, "--xa-s3"]],
        [s, [N, 7, 15, b]],
        [h, [{ [aj]: q, [ak]: [{ [aj]: s, [ak]: [N, 15, 17, b] }, t] }, u]],
        [s, [N, 7, 16, b]],
        [h, [O, "snow"]],
        [j, ag, v],
        [l, [P, w], x(1)],
        [d, ah],
        [j, ah, y],
        [l, [Q, w], x(2)],
        [h, [{ [ai]: x(2) }, t]],
        [h, [{ [aj]: l, [ak]: [Q, m] }, z]],
        [l, [Q, A], B(2)],
        [h, [{ [aj]: q, [ak]: [{ [aj]: s, [ak]: [N, 16, 18, b] }, t] }, u]],
        [h, [{ [ai]: x(1) }, t]],
        [h, [{ [aj]: l, [ak]: [P, m] }, z]],
        [l, [P, A], B(1)],
        [d, [R]],
        [i, [R, c]],
        [g, [{ [aj]: q, [ak]: [{ [ai]: "RequiresAccountId" }, c] }, b]],
        [h, [R, S]],
        [i, [O, b]],
        [h, [R, T]],
        [g, [{ [aj]: q, [ak]: [{ [ai]: "UseArnRegion" }, b] }, b]],
        [i, [{ [ai]: B(2) }, c]],
        [h, [O, U]],
        [h, [O, V]],
        [e, [V], o(2)],
        [h, [{ [aj]: l, [ak]: [{ [ai]: o(2) }, p] }, J]],
        [i, [V, b]],
        [h, [T, t]],
        [i, [T, c]],
        [i, [{ [ai]: B(1) }, c]],
        [e, [U], o(1)],
        [h, [{ [aj]: l, [ak]: [{ [ai]: o(1) }, p] }, J]],
        [i, [U, b]],
        [h, [S, t]],
        [i, [S, c]],
        [s, [N, 7, 20, b]],
        [h, [{ [aj]: q, [ak]: [{ [aj]: s, [ak]: [N, 20, 22, b] }, t] }, u]],
        [s, [N, 7, 21, b]],
        [h, [{ [aj]: q, [ak]: [{ [aj]: s, [ak]: [N, 21, 23, b] }, t] }, u]],
        [l, [P, C], D(1)],
        [l, [P, E]],
        [h, [{ [ai]: D(1) }, "accesspoint"]],
        [s, [N, 7, 27, b]],
        [h, [{ [aj]: q, [ak]: [{ [aj]: s, [ak]: [N, 27, 29, b] }, t] }, u]],
        [l, [Q, C], D(2)],
        [l, [Q, E]],
        [h, [{ [ai]: D(2) }, "bucket"]],
        [h, [O, M]]
    ],
    results: [
        [a],
        [a, "Partition does not support FIPS"],
        [a, "AccountId is required but not set"],
        [a, "AccountId must only contain a-z, A-Z, 0-9 and `-`."],
        [a, "OutpostId must only contain a-z, A-Z, 0-9 and `-`."],
        [a, "Invalid Configuration: DualStack and custom endpoint are not supported"],
        [F, W],
        ["https://s3-outposts-fips.{Region}.{partitionResult#dualStackDnsSuffix}", W],
        ["https://s3-outposts-fips.{Region}.{partitionResult#dnsSuffix}", W],
        ["https://s3-outposts.{Region}.{partitionResult#dualStackDnsSuffix}", W],
        ["https://s3-outposts.{Region}.{partitionResult#dnsSuffix}", W],
        [a, "Invalid region: region was not a valid DNS name."],
        [a, "Invalid configuration: region from ARN `{resourceArn#region}` does not match client region `{Region}` and UseArnRegion is `false`"],
        [a, "S3Express does not support Dual-stack."],
        [G, X],
        ["https://s3express-control-fips.{Region}.{partitionResult#dnsSuffix}", X],
        ["https://s3express-control.{Region}.{partitionResult#dnsSuffix}", X],
        [a, H(3)],
        [a, "Unrecognized S3Express Access Point name format."],
        [a, "S3 Snow does not support DualStack"],
        [a, "S3 Snow does not support FIPS"],
        [G, Y],
        [a, "Invalid configuration: region from ARN `{accessPointArn#region}` does not match client region `{Region}` and UseArnRegion is `false`"],
        [a, "Invalid ARN: the accountId specified in the ARN (`{accessPointArn#accountId}`) does not match the parameter (`{AccountId}`)"],
        ["https://s3-outposts-fips.{accessPointArn#region}.{arnPartition_ssa_1#dualStackDnsSuffix}", Z, aa],
        ["https://s3-outposts-fips.{accessPointArn#region}.{arnPartition_ssa_1#dnsSuffix}", Z, aa],
        ["https://s3-outposts.{accessPointArn#region}.{arnPartition_ssa_1#dualStackDnsSuffix}", Z, aa],
        [F, Z, aa],
        ["https://s3-outposts.{accessPointArn#region}.{arnPartition_ssa_1#dnsSuffix}", Z, aa],
        [a, "Expected an outpost type `accesspoint`, found `{outpostType_ssa_1}`"],
        [a, "Invalid ARN: expected an access point name"],
        [a, "Invalid ARN: Expected a 4-component resource"],
        [a, "Invalid ARN: The account id may only contain a-z, A-Z, 0-9 and `-`. Found: `{accessPointArn#accountId}`"],
        [a, "Invalid ARN: missing account ID"],
        [a, "Invalid region in ARN: `{accessPointArn#region}` (invalid DNS name)"],
        [a, H(1)],
        [a, I(1)],
        [a, "Invalid ARN: The Outpost Id was not set"],
        [a, "Invalid ARN: No ARN type specified"],
        [a, "Invalid configuration: region from ARN `{bucketArn#region}` does not match client region `{Region}` and UseArnRegion is `false`"],
        [a, "Invalid ARN: the accountId specified in the ARN (`{bucketArn#accountId}`) does not match the parameter (`{AccountId}`)"],
        ["https://s3-outposts-fips.{bucketArn#region}.{arnPartition_ssa_2#dualStackDnsSuffix}", ab, ac],
        ["https://s3-outposts-fips.{bucketArn#region}.{arnPartition_ssa_2#dnsSuffix}", ab, ac],
        ["https://s3-outposts.{bucketArn#region}.{arnPartition_ssa_2#dualStackDnsSuffix}", ab, ac],
        [F, ab, ac],
        ["https://s3-outposts.{bucketArn#region}.{arnPartition_ssa_2#dnsSuffix}", ab, ac],
        [a, "Invalid ARN: Expected an outpost type `bucket`, found `{outpostType_ssa_2}`"],
        [a, "Invalid ARN: expected a bucket name"],
        [a, "Invalid ARN: The account id may only contain a-z, A-Z, 0-9 and `-`. Found: `{bucketArn#accountId}`"],
        [a, "Invalid region in ARN: `{bucketArn#region}` (invalid DNS name)"],
        [a, H(2)],
        [a, I(2)],
        ["{url#scheme}://{AccountId}.{url#authority}{url#path}", Y],
        [F, Y],
        ["https://{AccountId}.s3-control-fips.dualstack.{Region}.{partitionResult#dnsSuffix}", Y],
        ["https://s3-control-fips.dualstack.{Region}.{partitionResult#dnsSuffix}", Y],
        ["https://{AccountId}.s3-control-fips.{Region}.{partitionResult#dnsSuffix}", Y],
        ["https://s3-control-fips.{Region}.{partitionResult#dnsSuffix}", Y],
        ["https://{AccountId}.s3-control.dualstack.{Region}.{partitionResult#dnsSuffix}", Y],
        ["https://s3-control.dualstack.{Region}.{partitionResult#dnsSuffix}", Y],
        ["https://{AccountId}.s3-control.{Region}.{partitionResult#dnsSuffix}", Y],
        ["https://s3-control.{Region}.{partitionResult#dnsSuffix}", Y],
        [a, "Region must be set"]
    ]
};
const root = 2;
const r = 100_000_000;
const nodes = new Int32Array([
    -1, 1, -1,
    0, 3, r + 62,
    1, 27, 4,
    11, 5, 6,
    12, 23, 6,
    15, 7, 8,
    21, 17, 8,
    23, 9, r + 62,
    24, 10, r + 62,
    25, 11, r + 38,
    26, r + 38, 12,
    27, 13, r + 38,
    28, 14, r + 37,
    39, r + 51, 15,
    40, 16, r + 51,
    42, r + 51, r + 39,
    22, 18, r + 38,
    30, r + 38, 19,
    31, 20, r + 38,
    32, 21, r + 37,
    39, r + 36, 22,
    41, r + 36, 334,
    15, 24, 25,
    21, 388, 25,
    23, 26, r + 62,
    24, 383, r + 62,
    2, 214, 28,
    4, 201, 29,
    6, 30, 33,
    7, 31, 33,
    8, 32, 33,
    9, 194, 33,
    11, 77, 34,
    12, 36, 35,
    13, 169, 80,
    13, r + 13, 37,
    15, 38, 40,
    16, r + 13, 39,
    21, 60, 40,
    23, 41, 188,
    24, 42, 188,
    25, 43, r + 38,
    26, r + 38, 44,
    27, 45, r + 38,
    28, 46, r + 37,
    33, 47, 48,
    38, 48, 297,
    39, 51, 49,
    40, 50, r + 51,
    42, 52, r + 39,
    40, 52, r + 51,
    43, 53, r + 51,
    44, 54, r + 50,
    45, 55, r + 49,
    46, r + 33, 56,
    47, 57, r + 48,
    63, 58, r + 31,
    64, 59, r + 47,
    65, r + 43, r + 46,
    22, 61, r + 38,
    30, r + 38, 62,
    31, 63, r + 38,
    32, 64, r + 37,
    33, 65, 66,
    36, 66, 324,
    39, 68, 67,
    41, 68, 334,
    48, 69, r + 36,
    49, 70, r + 36,
    50, 71, r + 35,
    51, 72, r + 34,
    52, r + 33, 73,
    53, 74, r + 32,
    58, 75, r + 31,
    59, 76, r + 30,
    60, r + 26, r + 29,
    12, 181, 78,
    13, 168, 79,
    14, 126, 80,
    15, 81, 83,
    16, 171, 82,
    21, 109, 83,
    23, 84, 85,
    24, 91, 85,
    33, 87, 86,
    35, 379, 89,
    34, 88, 381,
    35, 90, 89,
    37, r + 61, r + 11,
    37, r + 60, r + 11,
    25, 92, r + 38,
    26, r + 38, 93,
    27, 94, r + 38,
    28, 95, r + 37,
    33, 96, 97,
    38, 97, 297,
    39, 100, 98,
    40, 99, r + 51,
    42, 101, r + 39,
    40, 101, r + 51,
    43, 102, r + 51,
    44, 103, r + 50,
    45, 104, r + 49,
    46, r + 33, 105,
    47, 106, r + 48,
    63, 107, r + 31,
    64, 108, r + 47,
    65, r + 45, r + 46,
    22, 110, r + 38,
    30, r + 38, 111,
    31, 112, r + 38,
    32, 113, r + 37,
    33, 114, 115,
    36, 115, 324,
    39, 117, 116,
    41, 117, 334,
    48, 118, r + 36,
    49, 119, r + 36,
    50, 120, r + 35,
    51, 121, r + 34,
    52, r + 33, 122,
    53, 123, r + 32,
    58, 124, r + 31,
    59, 125, r + 30,
    60, r + 28, r + 29,
    15, 128, 127,
    20, r + 21, 131,
    16, r + 14, 129,
    20, r + 21, 130,
    21, 151, 131,
    23, 132, 285,
    24, 133, 285,
    25, 134, r + 38,
    26, r + 38, 135,
    27, 136, r + 38,
    28, 137, r + 37,
    33, 138, 139,
    38, 139, 297,
    39, 142, 140,
    40, 141, r + 51,
    42, 143, r + 39,
    40, 143, r + 51,
    43, 144, r + 51,
    44, 145, r + 50,
    45, 146, r + 49,
    46, r + 33, 147,
    47, 148, r + 48,
    63, 149, r + 31,
    64, 150, r + 47,
    65, r + 44, r + 46,
    22, 152, r + 38,
    30, r + 38, 153,
    31, 154, r + 38,
    32, 155, r + 37,
    33, 156, 157,
    36, 157, 324,
    39, 159, 158,
    41, 159, 334,
    48, 160, r + 36,
    49, 161, r + 36,
    50, 162, r + 35,
    51, 163, r + 34,
    52, r + 33, 164,
    53, 165, r + 32,
    58, 166, r + 31,
    59, 167, r + 30,
    60, r + 27, r + 29,
    14, r + 14, 169,
    15, 170, r + 16,
    16, 171, r + 16,
    17, 172, 173,
    18, r + 16, 173,
    19, 174, 175,
    29, r + 16, 175,
    54, 176, 177,
    55, r + 16, 177,
    56, 178, 179,
    57, r + 16, 179,
    61, 180, r + 18,
    62, r + 16, r + 18,
    13, r + 5, 182,
    14, 370, 183,
    15, 184, 186,
    16, r + 5, 185,
    21, 388, 186,
    23, 187, 188,
    24, 383, 188,
    33, 190, 189,
    35, 379, 192,
    34, 191, 381,
    35, 193, 192,
    37, r + 59, r + 11,
    37, r + 58, r + 11,
    10, 195, r + 17,
    11, 197, 196,
    12, 396, 199,
    12, 404, 198,
    14, 402, 199,
    39, r + 16, 200,
    66, r + 16, r + 12,
    5, 202, 407,
    11, 208, 203,
    12, 204, 210,
    33, 206, 205,
    35, r + 2, 207,
    34, 207, r + 3,
    37, r + 9, r + 11,
    12, 426, 209,
    14, 422, 210,
    33, 212, 211,
    35, r + 2, 213,
    34, 213, r + 3,
    37, r + 10, r + 11,
    3, r + 1, 215,
    4, 406, 216,
    6, 217, 220,
    7, 218, 220,
    8, 219, 220,
    9, 393, 220,
    11, 264, 221,
    12, 223, 222,
    13, 345, 267,
    13, r + 13, 224,
    15, 225, 227,
    16, r + 13, 226,
    21, 247, 227,
    23, 228, 364,
    24, 229, 364,
    25, 230, r + 38,
    26, r + 38, 231,
    27, 232, r + 38,
    28, 233, r + 37,
    33, 234, 235,
    38, 235, 297,
    39, 238, 236,
    40, 237, r + 51,
    42, 239, r + 39,
    40, 239, r + 51,
    43, 240, r + 51,
    44, 241, r + 50,
    45, 242, r + 49,
    46, r + 33, 243,
    47, 244, r + 48,
    63, 245, r + 31,
    64, 246, r + 47,
    65, r + 41, r + 46,
    22, 248, r + 38,
    30, r + 38, 249,
    31, 250, r + 38,
    32, 251, r + 37,
    33, 252, 253,
    36, 253, 324,
    39, 255, 254,
    41, 255, 334,
    48, 256, r + 36,
    49, 257, r + 36,
    50, 258, r + 35,
    51, 259, r + 34,
    52, r + 33, 260,
    53, 261, r + 32,
    58, 262, r + 31,
    59, 263, r + 30,
    60, r + 24, r + 29,
    12, 357, 265,
    13, 344, 266,
    14, 278, 267,
    15, 268, 270,
    16, 347, 269,
    21, 318, 270,
    23, 271, 272,
    24, 291, 272,
    33, 274, 273,
    35, 379, 276,
    34, 275, 381,
    35, 277, 276,
    37, r + 57, r + 11,
    37, r + 56, r + 11,
    15, 280, 279,
    20, r + 20, 283,
    16, r + 14, 281,
    20, r + 20, 282,
    21, 318, 283,
    23, 284, 285,
    24, 291, 285,
    33, 287, 286,
    35, 379, 289,
    34, 288, 381,
    35, 290, 289,
    37, r + 53, r + 11,
    37, r + 52, r + 11,
    25, 292, r + 38,
    26, r + 38, 293,
    27, 294, r + 38,
    28, 295, r + 37,
    33, 296, 306,
    38, 306, 297,
    39, 300, 298,
    40, 299, r + 51,
    42, 301, r + 39,
    40, 301, r + 51,
    43, 302, r + 51,
    44, 303, r + 50,
    45, 304, r + 49,
    46, r + 33, 305,
    47, r + 40, r + 48,
    39, 309, 307,
    40, 308, r + 51,
    42, 310, r + 39,
    40, 310, r + 51,
    43, 311, r + 51,
    44, 312, r + 50,
    45, 313, r + 49,
    46, r + 33, 314,
    47, 315, r + 48,
    63, 316, r + 31,
    64, 317, r + 47,
    65, r + 42, r + 46,
    22, 319, r + 38,
    30, r + 38, 320,
    31, 321, r + 38,
    32, 322, r + 37,
    33, 323, 332,
    36, 332, 324,
    39, 326, 325,
    41, 326, 334,
    48, 327, r + 36,
    49, 328, r + 36,
    50, 329, r + 35,
    51, 330, r + 34,
    52, r + 33, 331,
    53, r + 23, r + 32,
    39, 335, 333,
    41, 335, 334,
    48, r + 22, r + 36,
    48, 336, r + 36,
    49, 337, r + 36,
    50, 338, r + 35,
    51, 339, r + 34,
    52, r + 33, 340,
    53, 341, r + 32,
    58, 342, r + 31,
    59, 343, r + 30,
    60, r + 25, r + 29,
    14, r + 14, 345,
    15, 346, r + 15,
    16, 347, r + 15,
    17, 348, 349,
    18, r + 15, 349,
    19, 350, 351,
    29, r + 15, 351,
    54, 352, 353,
    55, r + 15, 353,
    56, 354, 355,
    57, r + 15, 355,
    61, 356, r + 18,
    62, r + 15, r + 18,
    13, r + 5, 358,
    14, 370, 359,
    15, 360, 362,
    16, r + 5, 361,
    21, 388, 362,
    23, 363, 364,
    24, 383, 364,
    33, 366, 365,
    35, 379, 368,
    34, 367, 381,
    35, 369, 368,
    37, r + 55, r + 11,
    37, r + 54, r + 11,
    15, 372, 371,
    20, r + 19, 375,
    16, r + 5, 373,
    20, r + 19, 374,
    21, 388, 375,
    23, 376, 377,
    24, 383, 377,
    33, 380, 378,
    35, 379, 382,
    37, r + 2, r + 11,
    34, 382, 381,
    37, r + 3, r + 11,
    37, r + 5, r + 11,
    25, 384, r + 38,
    26, r + 38, 385,
    27, 386, r + 38,
    28, 387, r + 37,
    40, r + 5, r + 51,
    22, 389, r + 38,
    30, r + 38, 390,
    31, 391, r + 38,
    32, 392, r + 37,
    48, r + 5, r + 36,
    10, 394, r + 17,
    11, 398, 395,
    12, 396, 400,
    39, r + 13, 397,
    66, r + 13, r + 12,
    12, 404, 399,
    14, 402, 400,
    39, r + 15, 401,
    66, r + 15, r + 12,
    39, r + 14, 403,
    66, r + 14, r + 12,
    39, r + 5, 405,
    66, r + 5, r + 12,
    5, 410, 407,
    33, 409, 408,
    35, r + 2, r + 4,
    34, r + 4, r + 3,
    11, 416, 411,
    12, 412, 418,
    33, 414, 413,
    35, r + 2, 415,
    34, 415, r + 3,
    37, r + 7, r + 11,
    12, 426, 417,
    14, 422, 418,
    33, 420, 419,
    35, r + 2, 421,
    34, 421, r + 3,
    37, r + 8, r + 11,
    33, 424, 423,
    35, r + 2, 425,
    34, 425, r + 3,
    37, r + 6, r + 11,
    33, 428, 427,
    35, r + 2, r + 5,
    34, r + 5, r + 3,
]);
const bdd = BinaryDecisionDiagram.from(nodes, root, _data.conditions, _data.results);

const cache = new EndpointCache({
    size: 50,
    params: [
        "AccessPointName",
        "AccountId",
        "Bucket",
        "Endpoint",
        "OutpostId",
        "Region",
        "RequiresAccountId",
        "ResourceArn",
        "UseArnRegion",
        "UseDualStack",
        "UseFIPS",
        "UseS3ExpressControlEndpoint",
    ],
});
const defaultEndpointResolver = (endpointParams, context = {}) => {
    return cache.get(endpointParams, () => decideEndpoint(bdd, {
        endpointParams: endpointParams,
        logger: context.logger,
    }));
};
customEndpointFunctions.aws = awsEndpointFunctions;

class S3ControlServiceException extends ServiceException {
    constructor(options) {
        super(options);
        Object.setPrototypeOf(this, S3ControlServiceException.prototype);
    }
}

class BucketAlreadyExists extends S3ControlServiceException {
    name = "BucketAlreadyExists";
    $fault = "client";
    constructor(opts) {
        super({
            name: "BucketAlreadyExists",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, BucketAlreadyExists.prototype);
    }
}
class BucketAlreadyOwnedByYou extends S3ControlServiceException {
    name = "BucketAlreadyOwnedByYou";
    $fault = "client";
    constructor(opts) {
        super({
            name: "BucketAlreadyOwnedByYou",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, BucketAlreadyOwnedByYou.prototype);
    }
}
class BadRequestException extends S3ControlServiceException {
    name = "BadRequestException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "BadRequestException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, BadRequestException.prototype);
        this.Message = opts.Message;
    }
}
class IdempotencyException extends S3ControlServiceException {
    name = "IdempotencyException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "IdempotencyException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, IdempotencyException.prototype);
        this.Message = opts.Message;
    }
}
class InternalServiceException extends S3ControlServiceException {
    name = "InternalServiceException";
    $fault = "server";
    Message;
    constructor(opts) {
        super({
            name: "InternalServiceException",
            $fault: "server",
            ...opts,
        });
        Object.setPrototypeOf(this, InternalServiceException.prototype);
        this.Message = opts.Message;
    }
}
class TooManyRequestsException extends S3ControlServiceException {
    name = "TooManyRequestsException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "TooManyRequestsException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, TooManyRequestsException.prototype);
        this.Message = opts.Message;
    }
}
class NotFoundException extends S3ControlServiceException {
    name = "NotFoundException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "NotFoundException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, NotFoundException.prototype);
        this.Message = opts.Message;
    }
}
class NoSuchPublicAccessBlockConfiguration extends S3ControlServiceException {
    name = "NoSuchPublicAccessBlockConfiguration";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "NoSuchPublicAccessBlockConfiguration",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, NoSuchPublicAccessBlockConfiguration.prototype);
        this.Message = opts.Message;
    }
}
class InvalidNextTokenException extends S3ControlServiceException {
    name = "InvalidNextTokenException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "InvalidNextTokenException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, InvalidNextTokenException.prototype);
        this.Message = opts.Message;
    }
}
class InvalidRequestException extends S3ControlServiceException {
    name = "InvalidRequestException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "InvalidRequestException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, InvalidRequestException.prototype);
        this.Message = opts.Message;
    }
}
class TooManyTagsException extends S3ControlServiceException {
    name = "TooManyTagsException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "TooManyTagsException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, TooManyTagsException.prototype);
        this.Message = opts.Message;
    }
}
class JobStatusException extends S3ControlServiceException {
    name = "JobStatusException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "JobStatusException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, JobStatusException.prototype);
        this.Message = opts.Message;
    }
}

const _A = "Alias";
const _AA = "ApplicationArn";
const _AAGIC = "AssociateAccessGrantsIdentityCenter";
const _AAGICR = "AssociateAccessGrantsIdentityCenterRequest";
const _ABA = "AllowedByApplication";
const _AC = "AuditContext";
const _ACG = "AccessControlGrants";
const _ACL = "ACL";
const _ACLc = "AccessControlList";
const _ACOM = "AdvancedCostOptimizationMetrics";
const _ACP = "AccessControlPolicy";
const _ACT = "AccessControlTranslation";
const _ADPM = "AdvancedDataProtectionMetrics";
const _AED = "AsyncErrorDetails";
const _AF = "AllowedFeatures";
const _AFl = "AllowedFeature";
const _AG = "AccessGrant";
const _AGA = "AccessGrantArn";
const _AGI = "AccessGrantId";
const _AGIA = "AccessGrantsInstanceArn";
const _AGII = "AccessGrantsInstanceId";
const _AGIL = "AccessGrantsInstancesList";
const _AGIc = "AccessGrantsInstance";
const _AGL = "AccessGrantsList";
const _AGLA = "AccessGrantsLocationArn";
const _AGLC = "AccessGrantsLocationConfiguration";
const _AGLI = "AccessGrantsLocationId";
const _AGLL = "AccessGrantsLocationsList";
const _AGLc = "AccessGrantsLocation";
const _AI = "AccountId";
const _AIMU = "AbortIncompleteMultipartUpload";
const _AKI = "AccessKeyId";
const _AL = "AccountLevel";
const _ALT = "AwsLambdaTransformation";
const _ALw = "AwsLambda";
const _AM = "ActivityMetrics";
const _AO = "AsyncOperation";
const _AOw = "AwsOrg";
const _AP = "AccessPoint";
const _APA = "AccessPointArn";
const _APL = "AccessPointList";
const _APM = "AdvancedPerformanceMetrics";
const _APc = "AccessPoints";
const _ARD = "AsyncResponseDetails";
const _ARP = "AsyncRequestParameters";
const _Ac = "Account";
const _Act = "Actions";
const _Acti = "Action";
const _An = "And";
const _Ar = "Arn";
const _B = "Bucket";
const _BA = "BucketArn";
const _BAE = "BucketAlreadyExists";
const _BAI = "BucketAccountId";
const _BAOBY = "BucketAlreadyOwnedByYou";
const _BGR = "BypassGovernanceRetention";
const _BGT = "BytesGreaterThan";
const _BKE = "BucketKeyEnabled";
const _BL = "BucketLevel";
const _BLT = "BytesLessThan";
const _BPA = "BlockPublicAcls";
const _BPP = "BlockPublicPolicy";
const _BRE = "BadRequestException";
const _Bu = "Buckets";
const _C = "Code";
const _CA = "CreatedAt";
const _CACL = "CannedAccessControlList";
const _CAG = "CreateAccessGrant";
const _CAGI = "CreateAccessGrantsInstance";
const _CAGIR = "CreateAccessGrantsInstanceRequest";
const _CAGIRr = "CreateAccessGrantsInstanceResult";
const _CAGL = "CallerAccessGrantsList";
const _CAGLR = "CreateAccessGrantsLocationRequest";
const _CAGLRr = "CreateAccessGrantsLocationResult";
const _CAGLr = "CreateAccessGrantsLocation";
const _CAGR = "CreateAccessGrantRequest";
const _CAGRr = "CreateAccessGrantResult";
const _CAP = "CreateAccessPoint";
const _CAPFOL = "CreateAccessPointForObjectLambda";
const _CAPFOLR = "CreateAccessPointForObjectLambdaRequest";
const _CAPFOLRr = "CreateAccessPointForObjectLambdaResult";
const _CAPR = "CreateAccessPointRequest";
const _CAPRr = "CreateAccessPointResult";
const _CAh = "ChecksumAlgorithm";
const _CAr = "CreatedAfter";
const _CB = "CreatedBefore";
const _CBC = "CreateBucketConfiguration";
const _CBR = "CreateBucketRequest";
const _CBRr = "CreateBucketResult";
const _CBr = "CreateBucket";
const _CC = "CacheControl";
const _CD = "CreationDate";
const _CDo = "ContentDisposition";
const _CE = "ContentEncoding";
const _CI = "ConfigId";
const _CJ = "CreateJob";
const _CJR = "CreateJobRequest";
const _CJRr = "CreateJobResult";
const _CL = "ContentLanguage";
const _CLo = "ContentLength";
const _CMD = "ContentMD5";
const _CMRAP = "CreateMultiRegionAccessPoint";
const _CMRAPI = "CreateMultiRegionAccessPointInput";
const _CMRAPR = "CreateMultiRegionAccessPointRequest";
const _CMRAPRr = "CreateMultiRegionAccessPointResult";
const _CR = "ConfirmationRequired";
const _CRSBA = "ConfirmRemoveSelfBucketAccess";
const _CRT = "ClientRequestToken";
const _CSLG = "CreateStorageLensGroup";
const _CSLGR = "CreateStorageLensGroupRequest";
const _CT = "CreationTime";
const _CTh = "ChecksumType";
const _CTl = "ClientToken";
const _CTo = "ContentTransformation";
const _CTon = "ContentType";
const _CWM = "CloudWatchMetrics";
const _CWME = "CloudWatchMetricsEnabled";
const _Co = "Configuration";
const _Cr = "Credentials";
const _D = "Description";
const _DAG = "DeleteAccessGrant";
const _DAGI = "DeleteAccessGrantsInstance";
const _DAGIC = "DissociateAccessGrantsIdentityCenter";
const _DAGICR = "DissociateAccessGrantsIdentityCenterRequest";
const _DAGIR = "DeleteAccessGrantsInstanceRequest";
const _DAGIRP = "DeleteAccessGrantsInstanceResourcePolicy";
const _DAGIRPR = "DeleteAccessGrantsInstanceResourcePolicyRequest";
const _DAGL = "DeleteAccessGrantsLocation";
const _DAGLR = "DeleteAccessGrantsLocationRequest";
const _DAGR = "DeleteAccessGrantRequest";
const _DAI = "DaysAfterInitiation";
const _DAP = "DeleteAccessPoint";
const _DAPFOL = "DeleteAccessPointForObjectLambda";
const _DAPFOLR = "DeleteAccessPointForObjectLambdaRequest";
const _DAPP = "DeleteAccessPointPolicy";
const _DAPPFOL = "DeleteAccessPointPolicyForObjectLambda";
const _DAPPFOLR = "DeleteAccessPointPolicyForObjectLambdaRequest";
const _DAPPR = "DeleteAccessPointPolicyRequest";
const _DAPR = "DeleteAccessPointRequest";
const _DAPS = "DeleteAccessPointScope";
const _DAPSR = "DeleteAccessPointScopeRequest";
const _DB = "DirectoryBucket";
const _DBLC = "DeleteBucketLifecycleConfiguration";
const _DBLCR = "DeleteBucketLifecycleConfigurationRequest";
const _DBP = "DeleteBucketPolicy";
const _DBPR = "DeleteBucketPolicyRequest";
const _DBR = "DeleteBucketRequest";
const _DBRR = "DeleteBucketReplicationRequest";
const _DBRe = "DeleteBucketReplication";
const _DBT = "DeleteBucketTagging";
const _DBTR = "DeleteBucketTaggingRequest";
const _DBe = "DeleteBucket";
const _DE = "DataExport";
const _DGT = "DaysGreaterThan";
const _DJ = "DescribeJob";
const _DJR = "DescribeJobRequest";
const _DJRe = "DescribeJobResult";
const _DJT = "DeleteJobTagging";
const _DJTR = "DeleteJobTaggingRequest";
const _DJTRe = "DeleteJobTaggingResult";
const _DK = "DSSE-KMS";
const _DLT = "DaysLessThan";
const _DMR = "DeleteMarkerReplication";
const _DMRAP = "DeleteMultiRegionAccessPoint";
const _DMRAPI = "DeleteMultiRegionAccessPointInput";
const _DMRAPO = "DescribeMultiRegionAccessPointOperation";
const _DMRAPOR = "DescribeMultiRegionAccessPointOperationRequest";
const _DMRAPORe = "DescribeMultiRegionAccessPointOperationResult";
const _DMRAPR = "DeleteMultiRegionAccessPointRequest";
const _DMRAPRe = "DeleteMultiRegionAccessPointResult";
const _DN = "DisplayName";
const _DPAB = "DeletePublicAccessBlock";
const _DPABR = "DeletePublicAccessBlockRequest";
const _DS = "DurationSeconds";
const _DSCM = "DetailedStatusCodesMetrics";
const _DSI = "DataSourceId";
const _DSLC = "DeleteStorageLensConfiguration";
const _DSLCR = "DeleteStorageLensConfigurationRequest";
const _DSLCT = "DeleteStorageLensConfigurationTagging";
const _DSLCTR = "DeleteStorageLensConfigurationTaggingRequest";
const _DSLCTRe = "DeleteStorageLensConfigurationTaggingResult";
const _DSLG = "DeleteStorageLensGroup";
const _DSLGR = "DeleteStorageLensGroupRequest";
const _DSSEKMS = "DSSEKMS";
const _DSSEKMSF = "DSSEKMSFilter";
const _DST = "DataSourceType";
const _Da = "Date";
const _Day = "Days";
const _De = "Details";
const _Del = "Delimiter";
const _Des = "Destination";
const _E = "Expiration";
const _EBO = "ExpectedBucketOwner";
const _EC = "EncryptionConfiguration";
const _ED = "ErrorDetails";
const _EFR = "EligibleForReplication";
const _EID = "ExpirationInDays";
const _EMBO = "ExpectedManifestBucketOwner";
const _EMO = "EnableManifestOutput";
const _EMRAPP = "EstablishedMultiRegionAccessPointPolicy";
const _EODM = "ExpiredObjectDeleteMarker";
const _EOR = "ExistingObjectReplication";
const _EPDE = "ExpandedPrefixesDataExport";
const _ET = "ETag";
const _ETIAS = "ElapsedTimeInActiveSeconds";
const _ETv = "EventThreshold";
const _En = "Endpoints";
const _Ena = "Enabled";
const _Enc = "Encryption";
const _Es = "Established";
const _Ex = "Exclude";
const _F = "Format";
const _FA = "FunctionArn";
const _FC = "FailureCode";
const _FP = "FunctionPayload";
const _FR = "FailureReasons";
const _FRa = "FailureReason";
const _Fi = "Fields";
const _Fil = "Filter";
const _G = "Grantee";
const _GAG = "GetAccessGrant";
const _GAGI = "GetAccessGrantsInstance";
const _GAGIFP = "GetAccessGrantsInstanceForPrefix";
const _GAGIFPR = "GetAccessGrantsInstanceForPrefixRequest";
const _GAGIFPRe = "GetAccessGrantsInstanceForPrefixResult";
const _GAGIR = "GetAccessGrantsInstanceRequest";
const _GAGIRP = "GetAccessGrantsInstanceResourcePolicy";
const _GAGIRPR = "GetAccessGrantsInstanceResourcePolicyRequest";
const _GAGIRPRe = "GetAccessGrantsInstanceResourcePolicyResult";
const _GAGIRe = "GetAccessGrantsInstanceResult";
const _GAGL = "GetAccessGrantsLocation";
const _GAGLR = "GetAccessGrantsLocationRequest";
const _GAGLRe = "GetAccessGrantsLocationResult";
const _GAGR = "GetAccessGrantRequest";
const _GAGRe = "GetAccessGrantResult";
const _GAP = "GetAccessPoint";
const _GAPCFOL = "GetAccessPointConfigurationForObjectLambda";
const _GAPCFOLR = "GetAccessPointConfigurationForObjectLambdaRequest";
const _GAPCFOLRe = "GetAccessPointConfigurationForObjectLambdaResult";
const _GAPFOL = "GetAccessPointForObjectLambda";
const _GAPFOLR = "GetAccessPointForObjectLambdaRequest";
const _GAPFOLRe = "GetAccessPointForObjectLambdaResult";
const _GAPP = "GetAccessPointPolicy";
const _GAPPFOL = "GetAccessPointPolicyForObjectLambda";
const _GAPPFOLR = "GetAccessPointPolicyForObjectLambdaRequest";
const _GAPPFOLRe = "GetAccessPointPolicyForObjectLambdaResult";
const _GAPPR = "GetAccessPointPolicyRequest";
const _GAPPRe = "GetAccessPointPolicyResult";
const _GAPPS = "GetAccessPointPolicyStatus";
const _GAPPSFOL = "GetAccessPointPolicyStatusForObjectLambda";
const _GAPPSFOLR = "GetAccessPointPolicyStatusForObjectLambdaRequest";
const _GAPPSFOLRe = "GetAccessPointPolicyStatusForObjectLambdaResult";
const _GAPPSR = "GetAccessPointPolicyStatusRequest";
const _GAPPSRe = "GetAccessPointPolicyStatusResult";
const _GAPR = "GetAccessPointRequest";
const _GAPRe = "GetAccessPointResult";
const _GAPS = "GetAccessPointScope";
const _GAPSR = "GetAccessPointScopeRequest";
const _GAPSRe = "GetAccessPointScopeResult";
const _GB = "GetBucket";
const _GBLC = "GetBucketLifecycleConfiguration";
const _GBLCR = "GetBucketLifecycleConfigurationRequest";
const _GBLCRe = "GetBucketLifecycleConfigurationResult";
const _GBP = "GetBucketPolicy";
const _GBPR = "GetBucketPolicyRequest";
const _GBPRe = "GetBucketPolicyResult";
const _GBR = "GetBucketRequest";
const _GBRR = "GetBucketReplicationRequest";
const _GBRRe = "GetBucketReplicationResult";
const _GBRe = "GetBucketResult";
const _GBRet = "GetBucketReplication";
const _GBT = "GetBucketTagging";
const _GBTR = "GetBucketTaggingRequest";
const _GBTRe = "GetBucketTaggingResult";
const _GBV = "GetBucketVersioning";
const _GBVR = "GetBucketVersioningRequest";
const _GBVRe = "GetBucketVersioningResult";
const _GDA = "GetDataAccess";
const _GDAR = "GetDataAccessRequest";
const _GDARe = "GetDataAccessResult";
const _GFC = "GrantFullControl";
const _GI = "GranteeIdentifier";
const _GJT = "GlacierJobTier";
const _GJTR = "GetJobTaggingRequest";
const _GJTRe = "GetJobTaggingResult";
const _GJTe = "GetJobTagging";
const _GMD = "GeneratedManifestDescriptor";
const _GME = "GeneratedManifestEncryption";
const _GMRAP = "GetMultiRegionAccessPoint";
const _GMRAPP = "GetMultiRegionAccessPointPolicy";
const _GMRAPPR = "GetMultiRegionAccessPointPolicyRequest";
const _GMRAPPRe = "GetMultiRegionAccessPointPolicyResult";
const _GMRAPPS = "GetMultiRegionAccessPointPolicyStatus";
const _GMRAPPSR = "GetMultiRegionAccessPointPolicyStatusRequest";
const _GMRAPPSRe = "GetMultiRegionAccessPointPolicyStatusResult";
const _GMRAPR = "GetMultiRegionAccessPointRequest";
const _GMRAPRR = "GetMultiRegionAccessPointRoutesRequest";
const _GMRAPRRe = "GetMultiRegionAccessPointRoutesResult";
const _GMRAPRe = "GetMultiRegionAccessPointResult";
const _GMRAPRet = "GetMultiRegionAccessPointRoutes";
const _GPAB = "GetPublicAccessBlock";
const _GPABO = "GetPublicAccessBlockOutput";
const _GPABR = "GetPublicAccessBlockRequest";
const _GR = "GrantRead";
const _GRACP = "GrantReadACP";
const _GS = "GrantScope";
const _GSLC = "GetStorageLensConfiguration";
const _GSLCR = "GetStorageLensConfigurationRequest";
const _GSLCRe = "GetStorageLensConfigurationResult";
const _GSLCT = "GetStorageLensConfigurationTagging";
const _GSLCTR = "GetStorageLensConfigurationTaggingRequest";
const _GSLCTRe = "GetStorageLensConfigurationTaggingResult";
const _GSLG = "GetStorageLensGroup";
const _GSLGR = "GetStorageLensGroupRequest";
const _GSLGRe = "GetStorageLensGroupResult";
const _GT = "GranteeType";
const _GW = "GrantWrite";
const _GWACP = "GrantWriteACP";
const _Gr = "Grants";
const _HED = "HttpExpiresDate";
const _HR = "HomeRegion";
const _I = "Include";
const _IAMRA = "IAMRoleArn";
const _ICA = "IdentityCenterArn";
const _ICAA = "IdentityCenterApplicationArn";
const _ICIA = "IdentityCenterInstanceArn";
const _ID = "ID";
const _IE = "IdempotencyException";
const _IEs = "IsEnabled";
const _INTE = "InvalidNextTokenException";
const _IP = "IsPublic";
const _IPA = "IgnorePublicAcls";
const _IRE = "InvalidRequestException";
const _ISE = "InternalServiceException";
const _ISV = "InvocationSchemaVersion";
const _Id = "Id";
const _Ide = "Identifier";
const _J = "Job";
const _JA = "JobArn";
const _JD = "JobDescriptor";
const _JF = "JobFailure";
const _JFL = "JobFailureList";
const _JI = "JobId";
const _JLD = "JobListDescriptor";
const _JLDL = "JobListDescriptorList";
const _JM = "JobManifest";
const _JMG = "JobManifestGenerator";
const _JMGF = "JobManifestGeneratorFilter";
const _JML = "JobManifestLocation";
const _JMS = "JobManifestSpec";
const _JO = "JobOperation";
const _JPS = "JobProgressSummary";
const _JR = "JobReport";
const _JS = "JobStatuses";
const _JSE = "JobStatusException";
const _JT = "JobTimers";
const _Jo = "Jobs";
const _K = "Key";
const _KI = "KeyId";
const _KKA = "KmsKeyArn";
const _KMSKA = "KMSKeyArn";
const _KNC = "KeyNameConstraint";
const _L = "Location";
const _LAG = "ListAccessGrants";
const _LAGE = "ListAccessGrantEntry";
const _LAGI = "ListAccessGrantsInstances";
const _LAGIE = "ListAccessGrantsInstanceEntry";
const _LAGIR = "ListAccessGrantsInstancesRequest";
const _LAGIRi = "ListAccessGrantsInstancesResult";
const _LAGL = "ListAccessGrantsLocations";
const _LAGLE = "ListAccessGrantsLocationsEntry";
const _LAGLR = "ListAccessGrantsLocationsRequest";
const _LAGLRi = "ListAccessGrantsLocationsResult";
const _LAGR = "ListAccessGrantsRequest";
const _LAGRi = "ListAccessGrantsResult";
const _LAP = "ListAccessPoints";
const _LAPFDB = "ListAccessPointsForDirectoryBuckets";
const _LAPFDBR = "ListAccessPointsForDirectoryBucketsRequest";
const _LAPFDBRi = "ListAccessPointsForDirectoryBucketsResult";
const _LAPFOL = "ListAccessPointsForObjectLambda";
const _LAPFOLR = "ListAccessPointsForObjectLambdaRequest";
const _LAPFOLRi = "ListAccessPointsForObjectLambdaResult";
const _LAPR = "ListAccessPointsRequest";
const _LAPRi = "ListAccessPointsResult";
const _LC = "LocationConstraint";
const _LCAG = "ListCallerAccessGrants";
const _LCAGE = "ListCallerAccessGrantsEntry";
const _LCAGR = "ListCallerAccessGrantsRequest";
const _LCAGRi = "ListCallerAccessGrantsResult";
const _LCi = "LifecycleConfiguration";
const _LE = "LifecycleExpiration";
const _LH = "LegalHold";
const _LI = "LambdaInvoke";
const _LIO = "LambdaInvokeOperation";
const _LJ = "ListJobs";
const _LJR = "ListJobsRequest";
const _LJRi = "ListJobsResult";
const _LMRAP = "ListMultiRegionAccessPoints";
const _LMRAPR = "ListMultiRegionAccessPointsRequest";
const _LMRAPRi = "ListMultiRegionAccessPointsResult";
const _LR = "LifecycleRule";
const _LRAO = "LifecycleRuleAndOperator";
const _LRB = "ListRegionalBuckets";
const _LRBR = "ListRegionalBucketsRequest";
const _LRBRi = "ListRegionalBucketsResult";
const _LRF = "LifecycleRuleFilter";
const _LRi = "LifecycleRules";
const _LS = "LocationScope";
const _LSLC = "ListStorageLensConfigurations";
const _LSLCE = "ListStorageLensConfigurationEntry";
const _LSLCR = "ListStorageLensConfigurationsRequest";
const _LSLCRi = "ListStorageLensConfigurationsResult";
const _LSLCRis = "ListStorageLensConfigurationResult";
const _LSLG = "ListStorageLensGroups";
const _LSLGE = "ListStorageLensGroupEntry";
const _LSLGR = "ListStorageLensGroupsRequest";
const _LSLGRi = "ListStorageLensGroupsResult";
const _LTFR = "ListTagsForResource";
const _LTFRR = "ListTagsForResourceRequest";
const _LTFRRi = "ListTagsForResourceResult";
const _M = "Message";
const _MAOE = "MatchAnyObjectEncryption";
const _MAP = "MatchAnyPrefix";
const _MAS = "MatchAnySuffix";
const _MASC = "MatchAnyStorageClass";
const _MASa = "MatchAnySubstring";
const _MAT = "MatchAnyTag";
const _MD = "MfaDelete";
const _MDa = "MaxDepth";
const _MDe = "MetadataDirective";
const _ME = "ManifestEncryption";
const _MF = "ManifestFormat";
const _MFA = "MFA";
const _MFAD = "MFADelete";
const _MG = "ManifestGenerator";
const _MGT = "MatchedGrantTarget";
const _MOA = "MatchObjectAge";
const _MOL = "ManifestOutputLocation";
const _MOS = "MatchObjectSize";
const _MP = "ManifestPrefix";
const _MR = "MaxResults";
const _MRAPAR = "MultiRegionAccessPointsAsyncResponse";
const _MRAPD = "MultiRegionAccessPointDetails";
const _MRAPPD = "MultiRegionAccessPointPolicyDocument";
const _MRAPR = "MultiRegionAccessPointReport";
const _MRAPRL = "MultiRegionAccessPointReportList";
const _MRAPRR = "MultiRegionAccessPointRegionalResponse";
const _MRAPRRL = "MultiRegionAccessPointRegionalResponseList";
const _MRAPRu = "MultiRegionAccessPointRoute";
const _MSBP = "MinStorageBytesPercentage";
const _MSC = "ModifiedSinceConstraint";
const _Ma = "Manifest";
const _Me = "Metrics";
const _Mi = "Minutes";
const _Mo = "Mode";
const _Mr = "Mrap";
const _N = "Name";
const _ND = "NoncurrentDays";
const _NFE = "NotFoundException";
const _NNV = "NewerNoncurrentVersions";
const _NO = "NetworkOrigin";
const _NOM = "NewObjectMetadata";
const _NOT = "NewObjectTagging";
const _NOTF = "NumberOfTasksFailed";
const _NOTS = "NumberOfTasksSucceeded";
const _NOTSSE = "NOTSSE";
const _NS = "NOT-SSE";
const _NSPABC = "NoSuchPublicAccessBlockConfiguration";
const _NSSEF = "NotSSEFilter";
const _NT = "NextToken";
const _NVE = "NoncurrentVersionExpiration";
const _NVT = "NoncurrentVersionTransitions";
const _NVTL = "NoncurrentVersionTransitionList";
const _NVTo = "NoncurrentVersionTransition";
const _O = "Owner";
const _OA = "ObjectArn";
const _OE = "ObjectEncryption";
const _OEF = "ObjectEncryptionFilter";
const _OEFL = "ObjectEncryptionFilterList";
const _OI = "OutpostId";
const _OLAFL = "ObjectLambdaAllowedFeaturesList";
const _OLAP = "ObjectLambdaAccessPoint";
const _OLAPA = "ObjectLambdaAccessPointArn";
const _OLAPAb = "ObjectLambdaAccessPointAlias";
const _OLAPL = "ObjectLambdaAccessPointList";
const _OLC = "ObjectLambdaConfiguration";
const _OLCT = "ObjectLambdaContentTransformation";
const _OLEFB = "ObjectLockEnabledForBucket";
const _OLLHS = "ObjectLockLegalHoldStatus";
const _OLM = "ObjectLockMode";
const _OLRUD = "ObjectLockRetainUntilDate";
const _OLTC = "ObjectLambdaTransformationConfiguration";
const _OLTCAL = "ObjectLambdaTransformationConfigurationActionsList";
const _OLTCL = "ObjectLambdaTransformationConfigurationsList";
const _ORS = "ObjectReplicationStatuses";
const _OSGT = "ObjectSizeGreaterThan";
const _OSGTB = "ObjectSizeGreaterThanBytes";
const _OSLT = "ObjectSizeLessThan";
const _OSLTB = "ObjectSizeLessThanBytes";
const _OSV = "OutputSchemaVersion";
const _OVI = "ObjectVersionId";
const _Op = "Operation";
const _Or = "Organization";
const _Or_ = "Or";
const _P = "Permission";
const _PAB = "PublicAccessBlock";
const _PABC = "PublicAccessBlockConfiguration";
const _PABE = "PublicAccessBlockEnabled";
const _PAGIRP = "PutAccessGrantsInstanceResourcePolicy";
const _PAGIRPR = "PutAccessGrantsInstanceResourcePolicyRequest";
const _PAGIRPRu = "PutAccessGrantsInstanceResourcePolicyResult";
const _PAPCFOL = "PutAccessPointConfigurationForObjectLambda";
const _PAPCFOLR = "PutAccessPointConfigurationForObjectLambdaRequest";
const _PAPP = "PutAccessPointPolicy";
const _PAPPFOL = "PutAccessPointPolicyForObjectLambda";
const _PAPPFOLR = "PutAccessPointPolicyForObjectLambdaRequest";
const _PAPPR = "PutAccessPointPolicyRequest";
const _PAPS = "PutAccessPointScope";
const _PAPSR = "PutAccessPointScopeRequest";
const _PBLC = "PutBucketLifecycleConfiguration";
const _PBLCR = "PutBucketLifecycleConfigurationRequest";
const _PBP = "PutBucketPolicy";
const _PBPR = "PutBucketPolicyRequest";
const _PBR = "PutBucketReplication";
const _PBRR = "PutBucketReplicationRequest";
const _PBT = "PutBucketTagging";
const _PBTR = "PutBucketTaggingRequest";
const _PBV = "PutBucketVersioning";
const _PBVR = "PutBucketVersioningRequest";
const _PD = "PrefixDelimiter";
const _PJT = "PutJobTagging";
const _PJTR = "PutJobTaggingRequest";
const _PJTRu = "PutJobTaggingResult";
const _PL = "PrefixLevel";
const _PLSM = "PrefixLevelStorageMetrics";
const _PLr = "PrefixesList";
const _PMRAPP = "ProposedMultiRegionAccessPointPolicy";
const _PMRAPPI = "PutMultiRegionAccessPointPolicyInput";
const _PMRAPPR = "PutMultiRegionAccessPointPolicyRequest";
const _PMRAPPRu = "PutMultiRegionAccessPointPolicyResult";
const _PMRAPPu = "PutMultiRegionAccessPointPolicy";
const _PPAB = "PutPublicAccessBlock";
const _PPABR = "PutPublicAccessBlockRequest";
const _PS = "PolicyStatus";
const _PSLC = "PutStorageLensConfiguration";
const _PSLCR = "PutStorageLensConfigurationRequest";
const _PSLCT = "PutStorageLensConfigurationTagging";
const _PSLCTR = "PutStorageLensConfigurationTaggingRequest";
const _PSLCTRu = "PutStorageLensConfigurationTaggingResult";
const _PSr = "ProgressSummary";
const _Pe = "Permissions";
const _Po = "Policy";
const _Pr = "Priority";
const _Pre = "Prefix";
const _Pref = "Prefixes";
const _Pri = "Privilege";
const _Pro = "Proposed";
const _R = "Resource";
const _RA = "RoleArn";
const _RAe = "ResourceArn";
const _RB = "RegionalBucket";
const _RBL = "RegionalBucketList";
const _RC = "ReplicationConfiguration";
const _RCL = "RegionCreationList";
const _RCe = "RequesterCharged";
const _RD = "ResponseDetails";
const _RI = "RequestId";
const _RJS = "RequestedJobStatus";
const _RKKID = "ReplicaKmsKeyID";
const _RL = "RedirectLocation";
const _RLo = "RouteList";
const _RM = "ReplicaModifications";
const _RP = "RequestParameters";
const _RPB = "RestrictPublicBuckets";
const _RPe = "RequesterPays";
const _RR = "RegionReport";
const _RRAO = "ReplicationRuleAndOperator";
const _RRF = "ReplicationRuleFilter";
const _RRL = "RegionReportList";
const _RRe = "ReplicationRule";
const _RRep = "ReplicationRules";
const _RS = "RequestStatus";
const _RSe = "ReportScope";
const _RT = "ReplicationTime";
const _RTARN = "RequestTokenARN";
const _RTV = "ReplicationTimeValue";
const _RU = "RouteUpdates";
const _RUD = "RetainUntilDate";
const _Re = "Report";
const _Reg = "Regions";
const _Regi = "Region";
const _Ret = "Retention";
const _Ro = "Routes";
const _Rol = "Role";
const _Rou = "Route";
const _Ru = "Rules";
const _Rul = "Rule";
const _S = "Scope";
const _SACL = "S3AccessControlList";
const _SACP = "S3AccessControlPolicy";
const _SAK = "SecretAccessKey";
const _SAP = "SupportingAccessPoint";
const _SB = "SourceBucket";
const _SBD = "S3BucketDestination";
const _SC = "StorageClass";
const _SCOC = "S3ComputeObjectChecksum";
const _SCOCO = "S3ComputeObjectChecksumOperation";
const _SCOO = "S3CopyObjectOperation";
const _SC_ = "SSE-C";
const _SCe = "SelectionCriteria";
const _SCu = "SuspendedCause";
const _SD = "SuspendedDate";
const _SDOT = "S3DeleteObjectTagging";
const _SDOTO = "S3DeleteObjectTaggingOperation";
const _SG = "S3Grant";
const _SGL = "S3GrantList";
const _SGMD = "S3GeneratedManifestDescriptor";
const _SGr = "S3Grantee";
const _SIRO = "S3InitiateRestoreObject";
const _SIROO = "S3InitiateRestoreObjectOperation";
const _SJMG = "S3JobManifestGenerator";
const _SK = "SSE-KMS";
const _SKEO = "SseKmsEncryptedObjects";
const _SLA = "StorageLensArn";
const _SLAO = "StorageLensAwsOrg";
const _SLC = "StorageLensConfiguration";
const _SLCL = "StorageLensConfigurationList";
const _SLDE = "StorageLensDataExport";
const _SLDEE = "StorageLensDataExportEncryption";
const _SLEPDE = "StorageLensExpandedPrefixesDataExport";
const _SLG = "StorageLensGroup";
const _SLGA = "StorageLensGroupArn";
const _SLGAO = "StorageLensGroupAndOperator";
const _SLGF = "StorageLensGroupFilter";
const _SLGL = "StorageLensGroupLevel";
const _SLGLE = "StorageLensGroupLevelExclude";
const _SLGLI = "StorageLensGroupLevelInclude";
const _SLGLSC = "StorageLensGroupLevelSelectionCriteria";
const _SLGLt = "StorageLensGroupList";
const _SLGOO = "StorageLensGroupOrOperator";
const _SLT = "StorageLensTag";
const _SLTD = "StorageLensTableDestination";
const _SLTt = "StorageLensTags";
const _SM = "StorageMetrics";
const _SMOL = "S3ManifestOutputLocation";
const _SMRAPR = "SubmitMultiRegionAccessPointRoutes";
const _SMRAPRR = "SubmitMultiRegionAccessPointRoutesRequest";
const _SMRAPRRu = "SubmitMultiRegionAccessPointRoutesResult";
const _SOLLH = "S3ObjectLockLegalHold";
const _SOM = "S3ObjectMetadata";
const _SOO = "S3ObjectOwner";
const _SP = "S3Prefix";
const _SPL = "ScopePermissionList";
const _SPOA = "S3PutObjectAcl";
const _SPOC = "S3PutObjectCopy";
const _SPOLH = "S3PutObjectLegalHold";
const _SPOR = "S3PutObjectRetention";
const _SPOT = "S3PutObjectTagging";
const _SPT = "S3PrefixType";
const _SR = "S3Retention";
const _SRO = "S3ReplicateObject";
const _SROO = "S3ReplicateObjectOperation";
const _SS = "SSE-S3";
const _SSC = "SourceSelectionCriteria";
const _SSEA = "SSEAlgorithm";
const _SSEAKKI = "SSEAwsKmsKeyId";
const _SSEC = "SSEC";
const _SSECF = "SSECFilter";
const _SSEKMS = "SSEKMS";
const _SSEKMSE = "SSEKMSEncryption";
const _SSEKMSF = "SSEKMSFilter";
const _SSES = "SSES3";
const _SSESE = "SSES3Encryption";
const _SSESF = "SSES3Filter";
const _SSOAO = "S3SetObjectAclOperation";
const _SSOLHO = "S3SetObjectLegalHoldOperation";
const _SSORO = "S3SetObjectRetentionOperation";
const _SSOTO = "S3SetObjectTaggingOperation";
const _SSP = "S3SubPrefix";
const _ST = "SessionToken";
const _STS = "S3TagSet";
const _STa = "S3Tag";
const _SUOE = "S3UpdateObjectEncryption";
const _SUOEO = "S3UpdateObjectEncryptionOperation";
const _SUOESSEKMS = "S3UpdateObjectEncryptionSSEKMS";
const _SUR = "StatusUpdateReason";
const _Sp = "Spec";
const _St = "Status";
const _Su = "Suffix";
const _T = "Tags";
const _TC = "TransformationConfigurations";
const _TCr = "TransformationConfiguration";
const _TD = "TerminationDate";
const _TDP = "TrafficDialPercentage";
const _TI = "TypeIdentifier";
const _TK = "TagKeys";
const _TKP = "TargetKeyPrefix";
const _TL = "TagList";
const _TLr = "TransitionList";
const _TMRE = "TooManyRequestsException";
const _TMTE = "TooManyTagsException";
const _TNOT = "TotalNumberOfTasks";
const _TR = "TargetResource";
const _TRR = "TagResourceRequest";
const _TRRa = "TagResourceResult";
const _TRa = "TagResource";
const _TS = "TagSet";
const _TT = "TargetType";
const _Ta = "Target";
const _Tag = "Tag";
const _Tagg = "Tagging";
const _Ti = "Timers";
const _Tim = "Time";
const _Tr = "Transitions";
const _Tra = "Transition";
const _UA = "UserArguments";
const _UAGL = "UpdateAccessGrantsLocation";
const _UAGLR = "UpdateAccessGrantsLocationRequest";
const _UAGLRp = "UpdateAccessGrantsLocationResult";
const _UJP = "UpdateJobPriority";
const _UJPR = "UpdateJobPriorityRequest";
const _UJPRp = "UpdateJobPriorityResult";
const _UJS = "UpdateJobStatus";
const _UJSR = "UpdateJobStatusRequest";
const _UJSRp = "UpdateJobStatusResult";
const _UM = "UserMetadata";
const _UMSC = "UnModifiedSinceConstraint";
const _UR = "UntagResource";
const _URR = "UntagResourceRequest";
const _URRn = "UntagResourceResult";
const _USLG = "UpdateStorageLensGroup";
const _USLGR = "UpdateStorageLensGroupRequest";
const _V = "Value";
const _VC = "VpcConfiguration";
const _VCe = "VersioningConfiguration";
const _VI = "VpcId";
const _aBA = "allowedByApplication";
const _aC = "auditContext";
const _aa = "application_arn";
const _b = "bucket";
const _c = "client";
const _dB = "directoryBucket";
const _dS = "durationSeconds";
const _dSI = "dataSourceId";
const _dST = "dataSourceType";
const _e = "error";
const _g = "granteetype";
const _gr = "granteeidentifier";
const _gra = "grantscope";
const _h = "http";
const _hCR = "httpChecksumRequired";
const _hE = "httpError";
const _hH = "httpHeader";
const _hL = "hostLabel";
const _hP = "httpPayload";
const _hQ = "httpQuery";
const _jS = "jobStatuses";
const _l = "locationscope";
const _mR = "maxResults";
const _nT = "nextToken";
const _p = "permission";
const _pr = "privilege";
const _pri = "priority";
const _rJS = "requestedJobStatus";
const _s = "smithy.ts.sdk.synthetic.com.amazonaws.s3control";
const _sUR = "statusUpdateReason";
const _se = "server";
const _sp = "s3prefix";
const _t = "target";
const _tK = "tagKeys";
const _tT = "targetType";
const _xF = "xmlFlattened";
const _xN = "xmlName";
const _xaa = "x-amz-acl";
const _xaai = "x-amz-account-id";
const _xabole = "x-amz-bucket-object-lock-enabled";
const _xacrsba = "x-amz-confirm-remove-self-bucket-access";
const _xagfc = "x-amz-grant-full-control";
const _xagr = "x-amz-grant-read";
const _xagra = "x-amz-grant-read-acp";
const _xagw = "x-amz-grant-write";
const _xagwa = "x-amz-grant-write-acp";
const _xam = "x-amz-mfa";
const _xaoi = "x-amz-outpost-id";
const n0 = "com.amazonaws.s3control";
const _s_registry = TypeRegistry.for(_s);
var S3ControlServiceException$ = [-3, _s, "S3ControlServiceException", 0, [], []];
_s_registry.registerError(S3ControlServiceException$, S3ControlServiceException);
const n0_registry = TypeRegistry.for(n0);
var BadRequestException$ = [-3, n0, _BRE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(BadRequestException$, BadRequestException);
var BucketAlreadyExists$ = [-3, n0, _BAE,
    { [_e]: _c },
    [],
    []
];
n0_registry.registerError(BucketAlreadyExists$, BucketAlreadyExists);
var BucketAlreadyOwnedByYou$ = [-3, n0, _BAOBY,
    { [_e]: _c },
    [],
    []
];
n0_registry.registerError(BucketAlreadyOwnedByYou$, BucketAlreadyOwnedByYou);
var IdempotencyException$ = [-3, n0, _IE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(IdempotencyException$, IdempotencyException);
var InternalServiceException$ = [-3, n0, _ISE,
    { [_e]: _se },
    [_M],
    [0]
];
n0_registry.registerError(InternalServiceException$, InternalServiceException);
var InvalidNextTokenException$ = [-3, n0, _INTE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(InvalidNextTokenException$, InvalidNextTokenException);
var InvalidRequestException$ = [-3, n0, _IRE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(InvalidRequestException$, InvalidRequestException);
var JobStatusException$ = [-3, n0, _JSE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(JobStatusException$, JobStatusException);
var NoSuchPublicAccessBlockConfiguration$ = [-3, n0, _NSPABC,
    { [_e]: _c, [_hE]: 404 },
    [_M],
    [0]
];
n0_registry.registerError(NoSuchPublicAccessBlockConfiguration$, NoSuchPublicAccessBlockConfiguration);
var NotFoundException$ = [-3, n0, _NFE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(NotFoundException$, NotFoundException);
var TooManyRequestsException$ = [-3, n0, _TMRE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(TooManyRequestsException$, TooManyRequestsException);
var TooManyTagsException$ = [-3, n0, _TMTE,
    { [_e]: _c },
    [_M],
    [0]
];
n0_registry.registerError(TooManyTagsException$, TooManyTagsException);
const errorTypeRegistries = [
    _s_registry,
    n0_registry,
];
var AccessKeyId = [0, n0, _AKI, 8, 0];
var SecretAccessKey = [0, n0, _SAK, 8, 0];
var SessionToken = [0, n0, _ST, 8, 0];
var AbortIncompleteMultipartUpload$ = [3, n0, _AIMU,
    0,
    [_DAI],
    [1]
];
var AccessControlTranslation$ = [3, n0, _ACT,
    0,
    [_O],
    [0], 1
];
var AccessGrantsLocationConfiguration$ = [3, n0, _AGLC,
    0,
    [_SSP],
    [0]
];
var AccessPoint$ = [3, n0, _AP,
    0,
    [_N, _NO, _B, _VC, _APA, _A, _BAI, _DSI, _DST],
    [0, 0, 0, () => VpcConfiguration$, 0, 0, 0, 0, 0], 3
];
var AccountLevel$ = [3, n0, _AL,
    0,
    [_BL, _AM, _ACOM, _ADPM, _DSCM, _APM, _SLGL],
    [() => BucketLevel$, () => ActivityMetrics$, () => AdvancedCostOptimizationMetrics$, () => AdvancedDataProtectionMetrics$, () => DetailedStatusCodesMetrics$, () => AdvancedPerformanceMetrics$, [() => StorageLensGroupLevel$, 0]], 1
];
var ActivityMetrics$ = [3, n0, _AM,
    0,
    [_IEs],
    [2]
];
var AdvancedCostOptimizationMetrics$ = [3, n0, _ACOM,
    0,
    [_IEs],
    [2]
];
var AdvancedDataProtectionMetrics$ = [3, n0, _ADPM,
    0,
    [_IEs],
    [2]
];
var AdvancedPerformanceMetrics$ = [3, n0, _APM,
    0,
    [_IEs],
    [2]
];
var AssociateAccessGrantsIdentityCenterRequest$ = [3, n0, _AAGICR,
    0,
    [_ICA, _AI],
    [0, [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var AsyncErrorDetails$ = [3, n0, _AED,
    0,
    [_C, _M, _R, _RI],
    [0, 0, 0, 0]
];
var AsyncOperation$ = [3, n0, _AO,
    0,
    [_CT, _Op, _RTARN, _RP, _RS, _RD],
    [4, 0, 0, [() => AsyncRequestParameters$, 0], 0, [() => AsyncResponseDetails$, 0]]
];
var AsyncRequestParameters$ = [3, n0, _ARP,
    0,
    [_CMRAPR, _DMRAPR, _PMRAPPR],
    [[() => CreateMultiRegionAccessPointInput$, 0], () => DeleteMultiRegionAccessPointInput$, () => PutMultiRegionAccessPointPolicyInput$]
];
var AsyncResponseDetails$ = [3, n0, _ARD,
    0,
    [_MRAPD, _ED],
    [[() => MultiRegionAccessPointsAsyncResponse$, 0], () => AsyncErrorDetails$]
];
var AwsLambdaTransformation$ = [3, n0, _ALT,
    0,
    [_FA, _FP],
    [0, 0], 1
];
var BucketLevel$ = [3, n0, _BL,
    0,
    [_AM, _PL, _ACOM, _ADPM, _DSCM, _APM],
    [() => ActivityMetrics$, () => PrefixLevel$, () => AdvancedCostOptimizationMetrics$, () => AdvancedDataProtectionMetrics$, () => DetailedStatusCodesMetrics$, () => AdvancedPerformanceMetrics$]
];
var CloudWatchMetrics$ = [3, n0, _CWM,
    0,
    [_IEs],
    [2], 1
];
var CreateAccessGrantRequest$ = [3, n0, _CAGR,
    0,
    [_AGLI, _G, _P, _AI, _AGLC, _AA, _SPT, _T],
    [0, () => Grantee$, 0, [0, { [_hL]: 1, [_hH]: _xaai }], () => AccessGrantsLocationConfiguration$, 0, 0, [() => TagList, 0]], 3
];
var CreateAccessGrantResult$ = [3, n0, _CAGRr,
    0,
    [_CA, _AGI, _AGA, _G, _AGLI, _AGLC, _P, _AA, _GS],
    [4, 0, 0, () => Grantee$, 0, () => AccessGrantsLocationConfiguration$, 0, 0, 0]
];
var CreateAccessGrantsInstanceRequest$ = [3, n0, _CAGIR,
    0,
    [_AI, _ICA, _T],
    [[0, { [_hL]: 1, [_hH]: _xaai }], 0, [() => TagList, 0]]
];
var CreateAccessGrantsInstanceResult$ = [3, n0, _CAGIRr,
    0,
    [_CA, _AGII, _AGIA, _ICA, _ICIA, _ICAA],
    [4, 0, 0, 0, 0, 0]
];
var CreateAccessGrantsLocationRequest$ = [3, n0, _CAGLR,
    0,
    [_LS, _IAMRA, _AI, _T],
    [0, 0, [0, { [_hL]: 1, [_hH]: _xaai }], [() => TagList, 0]], 2
];
var CreateAccessGrantsLocationResult$ = [3, n0, _CAGLRr,
    0,
    [_CA, _AGLI, _AGLA, _LS, _IAMRA],
    [4, 0, 0, 0, 0]
];
var CreateAccessPointForObjectLambdaRequest$ = [3, n0, _CAPFOLR,
    0,
    [_N, _Co, _AI],
    [[0, 1], [() => ObjectLambdaConfiguration$, 0], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var CreateAccessPointForObjectLambdaResult$ = [3, n0, _CAPFOLRr,
    0,
    [_OLAPA, _A],
    [0, () => ObjectLambdaAccessPointAlias$]
];
var CreateAccessPointRequest$ = [3, n0, _CAPR,
    0,
    [_N, _B, _AI, _VC, _PABC, _BAI, _S, _T],
    [[0, 1], 0, [0, { [_hL]: 1, [_hH]: _xaai }], () => VpcConfiguration$, [() => PublicAccessBlockConfiguration$, 0], 0, [() => Scope$, 0], [() => TagList, 0]], 2
];
var CreateAccessPointResult$ = [3, n0, _CAPRr,
    0,
    [_APA, _A],
    [0, 0]
];
var CreateBucketConfiguration$ = [3, n0, _CBC,
    0,
    [_LC],
    [0]
];
var CreateBucketRequest$ = [3, n0, _CBR,
    0,
    [_B, _ACL, _CBC, _GFC, _GR, _GRACP, _GW, _GWACP, _OLEFB, _OI],
    [[0, 1], [0, { [_hH]: _xaa }], [() => CreateBucketConfiguration$, { [_hP]: 1, [_xN]: _CBC }], [0, { [_hH]: _xagfc }], [0, { [_hH]: _xagr }], [0, { [_hH]: _xagra }], [0, { [_hH]: _xagw }], [0, { [_hH]: _xagwa }], [2, { [_hH]: _xabole }], [0, { [_hH]: _xaoi }]], 1
];
var CreateBucketResult$ = [3, n0, _CBRr,
    0,
    [_L, _BA],
    [[0, { [_hH]: _L }], 0]
];
var CreateJobRequest$ = [3, n0, _CJR,
    0,
    [_Op, _Re, _Pr, _RA, _AI, _CR, _CRT, _Ma, _D, _T, _MG],
    [[() => JobOperation$, 0], () => JobReport$, 1, 0, [0, { [_hL]: 1, [_hH]: _xaai }], 2, [0, 4], () => JobManifest$, 0, () => S3TagSet, [() => JobManifestGenerator$, 0]], 4
];
var CreateJobResult$ = [3, n0, _CJRr,
    0,
    [_JI],
    [0]
];
var CreateMultiRegionAccessPointInput$ = [3, n0, _CMRAPI,
    0,
    [_N, _Reg, _PAB],
    [0, [() => RegionCreationList, 0], [() => PublicAccessBlockConfiguration$, 0]], 2
];
var CreateMultiRegionAccessPointRequest$ = [3, n0, _CMRAPR,
    0,
    [_De, _AI, _CTl],
    [[() => CreateMultiRegionAccessPointInput$, 0], [0, { [_hL]: 1, [_hH]: _xaai }], [0, 4]], 1
];
var CreateMultiRegionAccessPointResult$ = [3, n0, _CMRAPRr,
    0,
    [_RTARN],
    [0]
];
var CreateStorageLensGroupRequest$ = [3, n0, _CSLGR,
    0,
    [_SLG, _AI, _T],
    [[() => StorageLensGroup$, 0], [0, { [_hL]: 1, [_hH]: _xaai }], [() => TagList, 0]], 1
];
var Credentials$ = [3, n0, _Cr,
    8,
    [_AKI, _SAK, _ST, _E],
    [[() => AccessKeyId, 0], [() => SecretAccessKey, 0], [() => SessionToken, 0], 4]
];
var DeleteAccessGrantRequest$ = [3, n0, _DAGR,
    0,
    [_AGI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteAccessGrantsInstanceRequest$ = [3, n0, _DAGIR,
    0,
    [_AI],
    [[0, { [_hL]: 1, [_hH]: _xaai }]]
];
var DeleteAccessGrantsInstanceResourcePolicyRequest$ = [3, n0, _DAGIRPR,
    0,
    [_AI],
    [[0, { [_hL]: 1, [_hH]: _xaai }]]
];
var DeleteAccessGrantsLocationRequest$ = [3, n0, _DAGLR,
    0,
    [_AGLI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteAccessPointForObjectLambdaRequest$ = [3, n0, _DAPFOLR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteAccessPointPolicyForObjectLambdaRequest$ = [3, n0, _DAPPFOLR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteAccessPointPolicyRequest$ = [3, n0, _DAPPR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteAccessPointRequest$ = [3, n0, _DAPR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteAccessPointScopeRequest$ = [3, n0, _DAPSR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteBucketLifecycleConfigurationRequest$ = [3, n0, _DBLCR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteBucketPolicyRequest$ = [3, n0, _DBPR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteBucketReplicationRequest$ = [3, n0, _DBRR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteBucketRequest$ = [3, n0, _DBR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteBucketTaggingRequest$ = [3, n0, _DBTR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteJobTaggingRequest$ = [3, n0, _DJTR,
    0,
    [_JI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteJobTaggingResult$ = [3, n0, _DJTRe,
    0,
    [],
    []
];
var DeleteMarkerReplication$ = [3, n0, _DMR,
    0,
    [_St],
    [0], 1
];
var DeleteMultiRegionAccessPointInput$ = [3, n0, _DMRAPI,
    0,
    [_N],
    [0], 1
];
var DeleteMultiRegionAccessPointRequest$ = [3, n0, _DMRAPR,
    0,
    [_De, _AI, _CTl],
    [() => DeleteMultiRegionAccessPointInput$, [0, { [_hL]: 1, [_hH]: _xaai }], [0, 4]], 1
];
var DeleteMultiRegionAccessPointResult$ = [3, n0, _DMRAPRe,
    0,
    [_RTARN],
    [0]
];
var DeletePublicAccessBlockRequest$ = [3, n0, _DPABR,
    0,
    [_AI],
    [[0, { [_hL]: 1, [_hH]: _xaai }]]
];
var DeleteStorageLensConfigurationRequest$ = [3, n0, _DSLCR,
    0,
    [_CI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteStorageLensConfigurationTaggingRequest$ = [3, n0, _DSLCTR,
    0,
    [_CI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DeleteStorageLensConfigurationTaggingResult$ = [3, n0, _DSLCTRe,
    0,
    [],
    []
];
var DeleteStorageLensGroupRequest$ = [3, n0, _DSLGR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DescribeJobRequest$ = [3, n0, _DJR,
    0,
    [_JI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DescribeJobResult$ = [3, n0, _DJRe,
    0,
    [_J],
    [[() => JobDescriptor$, 0]]
];
var DescribeMultiRegionAccessPointOperationRequest$ = [3, n0, _DMRAPOR,
    0,
    [_RTARN, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var DescribeMultiRegionAccessPointOperationResult$ = [3, n0, _DMRAPORe,
    0,
    [_AO],
    [[() => AsyncOperation$, 0]]
];
var Destination$ = [3, n0, _Des,
    0,
    [_B, _Ac, _RT, _ACT, _EC, _Me, _SC],
    [0, 0, () => ReplicationTime$, () => AccessControlTranslation$, () => EncryptionConfiguration$, () => Metrics$, 0], 1
];
var DetailedStatusCodesMetrics$ = [3, n0, _DSCM,
    0,
    [_IEs],
    [2]
];
var DissociateAccessGrantsIdentityCenterRequest$ = [3, n0, _DAGICR,
    0,
    [_AI],
    [[0, { [_hL]: 1, [_hH]: _xaai }]]
];
var DSSEKMSFilter$ = [3, n0, _DSSEKMSF,
    0,
    [_KKA],
    [0]
];
var EncryptionConfiguration$ = [3, n0, _EC,
    0,
    [_RKKID],
    [0]
];
var EstablishedMultiRegionAccessPointPolicy$ = [3, n0, _EMRAPP,
    0,
    [_Po],
    [0]
];
var _Exclude$ = [3, n0, _Ex,
    0,
    [_Bu, _Reg],
    [[() => Buckets, 0], [() => Regions, 0]]
];
var ExistingObjectReplication$ = [3, n0, _EOR,
    0,
    [_St],
    [0], 1
];
var GeneratedManifestEncryption$ = [3, n0, _GME,
    0,
    [_SSES, _SSEKMS],
    [[() => SSES3Encryption$, { [_xN]: _SS }], [() => SSEKMSEncryption$, { [_xN]: _SK }]]
];
var GetAccessGrantRequest$ = [3, n0, _GAGR,
    0,
    [_AGI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessGrantResult$ = [3, n0, _GAGRe,
    0,
    [_CA, _AGI, _AGA, _G, _P, _AGLI, _AGLC, _GS, _AA],
    [4, 0, 0, () => Grantee$, 0, 0, () => AccessGrantsLocationConfiguration$, 0, 0]
];
var GetAccessGrantsInstanceForPrefixRequest$ = [3, n0, _GAGIFPR,
    0,
    [_SP, _AI],
    [[0, { [_hQ]: _sp }], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessGrantsInstanceForPrefixResult$ = [3, n0, _GAGIFPRe,
    0,
    [_AGIA, _AGII],
    [0, 0]
];
var GetAccessGrantsInstanceRequest$ = [3, n0, _GAGIR,
    0,
    [_AI],
    [[0, { [_hL]: 1, [_hH]: _xaai }]]
];
var GetAccessGrantsInstanceResourcePolicyRequest$ = [3, n0, _GAGIRPR,
    0,
    [_AI],
    [[0, { [_hL]: 1, [_hH]: _xaai }]]
];
var GetAccessGrantsInstanceResourcePolicyResult$ = [3, n0, _GAGIRPRe,
    0,
    [_Po, _Or, _CA],
    [0, 0, 4]
];
var GetAccessGrantsInstanceResult$ = [3, n0, _GAGIRe,
    0,
    [_AGIA, _AGII, _ICA, _ICIA, _ICAA, _CA],
    [0, 0, 0, 0, 0, 4]
];
var GetAccessGrantsLocationRequest$ = [3, n0, _GAGLR,
    0,
    [_AGLI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessGrantsLocationResult$ = [3, n0, _GAGLRe,
    0,
    [_CA, _AGLI, _AGLA, _LS, _IAMRA],
    [4, 0, 0, 0, 0]
];
var GetAccessPointConfigurationForObjectLambdaRequest$ = [3, n0, _GAPCFOLR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointConfigurationForObjectLambdaResult$ = [3, n0, _GAPCFOLRe,
    0,
    [_Co],
    [[() => ObjectLambdaConfiguration$, 0]]
];
var GetAccessPointForObjectLambdaRequest$ = [3, n0, _GAPFOLR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointForObjectLambdaResult$ = [3, n0, _GAPFOLRe,
    0,
    [_N, _PABC, _CD, _A],
    [0, [() => PublicAccessBlockConfiguration$, 0], 4, () => ObjectLambdaAccessPointAlias$]
];
var GetAccessPointPolicyForObjectLambdaRequest$ = [3, n0, _GAPPFOLR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointPolicyForObjectLambdaResult$ = [3, n0, _GAPPFOLRe,
    0,
    [_Po],
    [0]
];
var GetAccessPointPolicyRequest$ = [3, n0, _GAPPR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointPolicyResult$ = [3, n0, _GAPPRe,
    0,
    [_Po],
    [0]
];
var GetAccessPointPolicyStatusForObjectLambdaRequest$ = [3, n0, _GAPPSFOLR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointPolicyStatusForObjectLambdaResult$ = [3, n0, _GAPPSFOLRe,
    0,
    [_PS],
    [[() => PolicyStatus$, 0]]
];
var GetAccessPointPolicyStatusRequest$ = [3, n0, _GAPPSR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointPolicyStatusResult$ = [3, n0, _GAPPSRe,
    0,
    [_PS],
    [[() => PolicyStatus$, 0]]
];
var GetAccessPointRequest$ = [3, n0, _GAPR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointResult$ = [3, n0, _GAPRe,
    0,
    [_N, _B, _NO, _VC, _PABC, _CD, _A, _APA, _En, _BAI, _DSI, _DST],
    [0, 0, 0, () => VpcConfiguration$, [() => PublicAccessBlockConfiguration$, 0], 4, 0, 0, 128 | 0, 0, 0, 0]
];
var GetAccessPointScopeRequest$ = [3, n0, _GAPSR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetAccessPointScopeResult$ = [3, n0, _GAPSRe,
    0,
    [_S],
    [[() => Scope$, 0]]
];
var GetBucketLifecycleConfigurationRequest$ = [3, n0, _GBLCR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetBucketLifecycleConfigurationResult$ = [3, n0, _GBLCRe,
    0,
    [_Ru],
    [[() => LifecycleRules, 0]]
];
var GetBucketPolicyRequest$ = [3, n0, _GBPR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetBucketPolicyResult$ = [3, n0, _GBPRe,
    0,
    [_Po],
    [0]
];
var GetBucketReplicationRequest$ = [3, n0, _GBRR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetBucketReplicationResult$ = [3, n0, _GBRRe,
    0,
    [_RC],
    [[() => ReplicationConfiguration$, 0]]
];
var GetBucketRequest$ = [3, n0, _GBR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetBucketResult$ = [3, n0, _GBRe,
    0,
    [_B, _PABE, _CD],
    [0, 2, 4]
];
var GetBucketTaggingRequest$ = [3, n0, _GBTR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetBucketTaggingResult$ = [3, n0, _GBTRe,
    0,
    [_TS],
    [() => S3TagSet], 1
];
var GetBucketVersioningRequest$ = [3, n0, _GBVR,
    0,
    [_B, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetBucketVersioningResult$ = [3, n0, _GBVRe,
    0,
    [_St, _MFAD],
    [0, [0, { [_xN]: _MD }]]
];
var GetDataAccessRequest$ = [3, n0, _GDAR,
    0,
    [_Ta, _P, _AI, _DS, _Pri, _TT, _AC],
    [[0, { [_hQ]: _t }], [0, { [_hQ]: _p }], [0, { [_hL]: 1, [_hH]: _xaai }], [1, { [_hQ]: _dS }], [0, { [_hQ]: _pr }], [0, { [_hQ]: _tT }], [0, { [_hQ]: _aC }]], 2
];
var GetDataAccessResult$ = [3, n0, _GDARe,
    0,
    [_Cr, _MGT, _G],
    [[() => Credentials$, 0], 0, () => Grantee$]
];
var GetJobTaggingRequest$ = [3, n0, _GJTR,
    0,
    [_JI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetJobTaggingResult$ = [3, n0, _GJTRe,
    0,
    [_T],
    [() => S3TagSet]
];
var GetMultiRegionAccessPointPolicyRequest$ = [3, n0, _GMRAPPR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetMultiRegionAccessPointPolicyResult$ = [3, n0, _GMRAPPRe,
    0,
    [_Po],
    [() => MultiRegionAccessPointPolicyDocument$]
];
var GetMultiRegionAccessPointPolicyStatusRequest$ = [3, n0, _GMRAPPSR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetMultiRegionAccessPointPolicyStatusResult$ = [3, n0, _GMRAPPSRe,
    0,
    [_Es],
    [[() => PolicyStatus$, 0]]
];
var GetMultiRegionAccessPointRequest$ = [3, n0, _GMRAPR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetMultiRegionAccessPointResult$ = [3, n0, _GMRAPRe,
    0,
    [_AP],
    [[() => MultiRegionAccessPointReport$, 0]]
];
var GetMultiRegionAccessPointRoutesRequest$ = [3, n0, _GMRAPRR,
    0,
    [_Mr, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetMultiRegionAccessPointRoutesResult$ = [3, n0, _GMRAPRRe,
    0,
    [_Mr, _Ro],
    [0, [() => RouteList, 0]]
];
var GetPublicAccessBlockOutput$ = [3, n0, _GPABO,
    0,
    [_PABC],
    [[() => PublicAccessBlockConfiguration$, 16]]
];
var GetPublicAccessBlockRequest$ = [3, n0, _GPABR,
    0,
    [_AI],
    [[0, { [_hL]: 1, [_hH]: _xaai }]]
];
var GetStorageLensConfigurationRequest$ = [3, n0, _GSLCR,
    0,
    [_CI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetStorageLensConfigurationResult$ = [3, n0, _GSLCRe,
    0,
    [_SLC],
    [[() => StorageLensConfiguration$, 16]]
];
var GetStorageLensConfigurationTaggingRequest$ = [3, n0, _GSLCTR,
    0,
    [_CI, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetStorageLensConfigurationTaggingResult$ = [3, n0, _GSLCTRe,
    0,
    [_T],
    [[() => StorageLensTags, 0]]
];
var GetStorageLensGroupRequest$ = [3, n0, _GSLGR,
    0,
    [_N, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var GetStorageLensGroupResult$ = [3, n0, _GSLGRe,
    0,
    [_SLG],
    [[() => StorageLensGroup$, 16]]
];
var Grantee$ = [3, n0, _G,
    0,
    [_GT, _GI],
    [0, 0]
];
var Include$ = [3, n0, _I,
    0,
    [_Bu, _Reg],
    [[() => Buckets, 0], [() => Regions, 0]]
];
var JobDescriptor$ = [3, n0, _JD,
    0,
    [_JI, _CR, _D, _JA, _St, _Ma, _Op, _Pr, _PSr, _SUR, _FR, _Re, _CT, _TD, _RA, _SD, _SCu, _MG, _GMD],
    [0, 2, 0, 0, 0, () => JobManifest$, [() => JobOperation$, 0], 1, () => JobProgressSummary$, 0, () => JobFailureList, () => JobReport$, 4, 4, 0, 4, 0, [() => JobManifestGenerator$, 0], () => S3GeneratedManifestDescriptor$]
];
var JobFailure$ = [3, n0, _JF,
    0,
    [_FC, _FRa],
    [0, 0]
];
var JobListDescriptor$ = [3, n0, _JLD,
    0,
    [_JI, _D, _Op, _Pr, _St, _CT, _TD, _PSr],
    [0, 0, 0, 1, 0, 4, 4, () => JobProgressSummary$]
];
var JobManifest$ = [3, n0, _JM,
    0,
    [_Sp, _L],
    [() => JobManifestSpec$, () => JobManifestLocation$], 2
];
var JobManifestGeneratorFilter$ = [3, n0, _JMGF,
    0,
    [_EFR, _CAr, _CB, _ORS, _KNC, _OSGTB, _OSLTB, _MASC, _MAOE],
    [2, 4, 4, 64 | 0, () => KeyNameConstraint$, 1, 1, 64 | 0, [() => ObjectEncryptionFilterList, 0]]
];
var JobManifestLocation$ = [3, n0, _JML,
    0,
    [_OA, _ET, _OVI],
    [0, 0, 0], 2
];
var JobManifestSpec$ = [3, n0, _JMS,
    0,
    [_F, _Fi],
    [0, 64 | 0], 1
];
var JobOperation$ = [3, n0, _JO,
    0,
    [_LI, _SPOC, _SPOA, _SPOT, _SDOT, _SIRO, _SPOLH, _SPOR, _SRO, _SCOC, _SUOE],
    [() => LambdaInvokeOperation$, () => S3CopyObjectOperation$, () => S3SetObjectAclOperation$, () => S3SetObjectTaggingOperation$, () => S3DeleteObjectTaggingOperation$, () => S3InitiateRestoreObjectOperation$, () => S3SetObjectLegalHoldOperation$, () => S3SetObjectRetentionOperation$, () => S3ReplicateObjectOperation$, () => S3ComputeObjectChecksumOperation$, [() => S3UpdateObjectEncryptionOperation$, 0]]
];
var JobProgressSummary$ = [3, n0, _JPS,
    0,
    [_TNOT, _NOTS, _NOTF, _Ti],
    [1, 1, 1, () => JobTimers$]
];
var JobReport$ = [3, n0, _JR,
    0,
    [_Ena, _B, _F, _Pre, _RSe, _EBO],
    [2, 0, 0, 0, 0, 0], 1
];
var JobTimers$ = [3, n0, _JT,
    0,
    [_ETIAS],
    [1]
];
var KeyNameConstraint$ = [3, n0, _KNC,
    0,
    [_MAP, _MAS, _MASa],
    [64 | 0, 64 | 0, 64 | 0]
];
var LambdaInvokeOperation$ = [3, n0, _LIO,
    0,
    [_FA, _ISV, _UA],
    [0, 0, 128 | 0]
];
var LifecycleConfiguration$ = [3, n0, _LCi,
    0,
    [_Ru],
    [[() => LifecycleRules, 0]]
];
var LifecycleExpiration$ = [3, n0, _LE,
    0,
    [_Da, _Day, _EODM],
    [4, 1, 2]
];
var LifecycleRule$ = [3, n0, _LR,
    0,
    [_St, _E, _ID, _Fil, _Tr, _NVT, _NVE, _AIMU],
    [0, () => LifecycleExpiration$, 0, () => LifecycleRuleFilter$, [() => TransitionList, 0], [() => NoncurrentVersionTransitionList, 0], () => NoncurrentVersionExpiration$, () => AbortIncompleteMultipartUpload$], 1
];
var LifecycleRuleAndOperator$ = [3, n0, _LRAO,
    0,
    [_Pre, _T, _OSGT, _OSLT],
    [0, () => S3TagSet, 1, 1]
];
var LifecycleRuleFilter$ = [3, n0, _LRF,
    0,
    [_Pre, _Tag, _An, _OSGT, _OSLT],
    [0, () => S3Tag$, () => LifecycleRuleAndOperator$, 1, 1]
];
var ListAccessGrantEntry$ = [3, n0, _LAGE,
    0,
    [_CA, _AGI, _AGA, _G, _P, _AGLI, _AGLC, _GS, _AA],
    [4, 0, 0, () => Grantee$, 0, 0, () => AccessGrantsLocationConfiguration$, 0, 0]
];
var ListAccessGrantsInstanceEntry$ = [3, n0, _LAGIE,
    0,
    [_AGII, _AGIA, _CA, _ICA, _ICIA, _ICAA],
    [0, 0, 4, 0, 0, 0]
];
var ListAccessGrantsInstancesRequest$ = [3, n0, _LAGIR,
    0,
    [_AI, _NT, _MR],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }]]
];
var ListAccessGrantsInstancesResult$ = [3, n0, _LAGIRi,
    0,
    [_NT, _AGIL],
    [0, [() => AccessGrantsInstancesList, 0]]
];
var ListAccessGrantsLocationsEntry$ = [3, n0, _LAGLE,
    0,
    [_CA, _AGLI, _AGLA, _LS, _IAMRA],
    [4, 0, 0, 0, 0]
];
var ListAccessGrantsLocationsRequest$ = [3, n0, _LAGLR,
    0,
    [_AI, _NT, _MR, _LS],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }], [0, { [_hQ]: _l }]]
];
var ListAccessGrantsLocationsResult$ = [3, n0, _LAGLRi,
    0,
    [_NT, _AGLL],
    [0, [() => AccessGrantsLocationsList, 0]]
];
var ListAccessGrantsRequest$ = [3, n0, _LAGR,
    0,
    [_AI, _NT, _MR, _GT, _GI, _P, _GS, _AA],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }], [0, { [_hQ]: _g }], [0, { [_hQ]: _gr }], [0, { [_hQ]: _p }], [0, { [_hQ]: _gra }], [0, { [_hQ]: _aa }]]
];
var ListAccessGrantsResult$ = [3, n0, _LAGRi,
    0,
    [_NT, _AGL],
    [0, [() => AccessGrantsList, 0]]
];
var ListAccessPointsForDirectoryBucketsRequest$ = [3, n0, _LAPFDBR,
    0,
    [_AI, _DB, _NT, _MR],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _dB }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }]]
];
var ListAccessPointsForDirectoryBucketsResult$ = [3, n0, _LAPFDBRi,
    0,
    [_APL, _NT],
    [[() => AccessPointList, 0], 0]
];
var ListAccessPointsForObjectLambdaRequest$ = [3, n0, _LAPFOLR,
    0,
    [_AI, _NT, _MR],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }]]
];
var ListAccessPointsForObjectLambdaResult$ = [3, n0, _LAPFOLRi,
    0,
    [_OLAPL, _NT],
    [[() => ObjectLambdaAccessPointList, 0], 0]
];
var ListAccessPointsRequest$ = [3, n0, _LAPR,
    0,
    [_AI, _B, _NT, _MR, _DSI, _DST],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _b }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }], [0, { [_hQ]: _dSI }], [0, { [_hQ]: _dST }]]
];
var ListAccessPointsResult$ = [3, n0, _LAPRi,
    0,
    [_APL, _NT],
    [[() => AccessPointList, 0], 0]
];
var ListCallerAccessGrantsEntry$ = [3, n0, _LCAGE,
    0,
    [_P, _GS, _AA],
    [0, 0, 0]
];
var ListCallerAccessGrantsRequest$ = [3, n0, _LCAGR,
    0,
    [_AI, _GS, _NT, _MR, _ABA],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _gra }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }], [2, { [_hQ]: _aBA }]]
];
var ListCallerAccessGrantsResult$ = [3, n0, _LCAGRi,
    0,
    [_NT, _CAGL],
    [0, [() => CallerAccessGrantsList, 0]]
];
var ListJobsRequest$ = [3, n0, _LJR,
    0,
    [_AI, _JS, _NT, _MR],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [64 | 0, { [_hQ]: _jS }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }]]
];
var ListJobsResult$ = [3, n0, _LJRi,
    0,
    [_NT, _Jo],
    [0, () => JobListDescriptorList]
];
var ListMultiRegionAccessPointsRequest$ = [3, n0, _LMRAPR,
    0,
    [_AI, _NT, _MR],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }]]
];
var ListMultiRegionAccessPointsResult$ = [3, n0, _LMRAPRi,
    0,
    [_APc, _NT],
    [[() => MultiRegionAccessPointReportList, 0], 0]
];
var ListRegionalBucketsRequest$ = [3, n0, _LRBR,
    0,
    [_AI, _NT, _MR, _OI],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }], [1, { [_hQ]: _mR }], [0, { [_hH]: _xaoi }]]
];
var ListRegionalBucketsResult$ = [3, n0, _LRBRi,
    0,
    [_RBL, _NT],
    [[() => RegionalBucketList, 0], 0]
];
var ListStorageLensConfigurationEntry$ = [3, n0, _LSLCE,
    0,
    [_Id, _SLA, _HR, _IEs],
    [0, 0, 0, 2], 3
];
var ListStorageLensConfigurationsRequest$ = [3, n0, _LSLCR,
    0,
    [_AI, _NT],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }]]
];
var ListStorageLensConfigurationsResult$ = [3, n0, _LSLCRi,
    { [_xN]: _LSLCRis },
    [_NT, _SLCL],
    [0, [() => StorageLensConfigurationList, { [_xF]: 1, [_xN]: _SLC }]]
];
var ListStorageLensGroupEntry$ = [3, n0, _LSLGE,
    0,
    [_N, _SLGA, _HR],
    [0, 0, 0], 3
];
var ListStorageLensGroupsRequest$ = [3, n0, _LSLGR,
    0,
    [_AI, _NT],
    [[0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _nT }]]
];
var ListStorageLensGroupsResult$ = [3, n0, _LSLGRi,
    0,
    [_NT, _SLGLt],
    [0, [() => StorageLensGroupList, { [_xF]: 1, [_xN]: _SLG }]]
];
var ListTagsForResourceRequest$ = [3, n0, _LTFRR,
    0,
    [_RAe, _AI],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var ListTagsForResourceResult$ = [3, n0, _LTFRRi,
    0,
    [_T],
    [[() => TagList, 0]]
];
var MatchObjectAge$ = [3, n0, _MOA,
    0,
    [_DGT, _DLT],
    [1, 1]
];
var MatchObjectSize$ = [3, n0, _MOS,
    0,
    [_BGT, _BLT],
    [1, 1]
];
var Metrics$ = [3, n0, _Me,
    0,
    [_St, _ETv],
    [0, () => ReplicationTimeValue$], 1
];
var MultiRegionAccessPointPolicyDocument$ = [3, n0, _MRAPPD,
    0,
    [_Es, _Pro],
    [() => EstablishedMultiRegionAccessPointPolicy$, () => ProposedMultiRegionAccessPointPolicy$]
];
var MultiRegionAccessPointRegionalResponse$ = [3, n0, _MRAPRR,
    0,
    [_N, _RS],
    [0, 0]
];
var MultiRegionAccessPointReport$ = [3, n0, _MRAPR,
    0,
    [_N, _A, _CA, _PAB, _St, _Reg],
    [0, 0, 4, [() => PublicAccessBlockConfiguration$, 0], 0, [() => RegionReportList, 0]]
];
var MultiRegionAccessPointRoute$ = [3, n0, _MRAPRu,
    0,
    [_TDP, _B, _Regi],
    [1, 0, 0], 1
];
var MultiRegionAccessPointsAsyncResponse$ = [3, n0, _MRAPAR,
    0,
    [_Reg],
    [[() => MultiRegionAccessPointRegionalResponseList, 0]]
];
var NoncurrentVersionExpiration$ = [3, n0, _NVE,
    0,
    [_ND, _NNV],
    [1, 1]
];
var NoncurrentVersionTransition$ = [3, n0, _NVTo,
    0,
    [_ND, _SC],
    [1, 0]
];
var NotSSEFilter$ = [3, n0, _NSSEF,
    0,
    [],
    []
];
var ObjectEncryption$ = [3, n0, _OE,
    0,
    [_SSEKMS],
    [[() => S3UpdateObjectEncryptionSSEKMS$, { [_xN]: _SK }]]
];
var ObjectLambdaAccessPoint$ = [3, n0, _OLAP,
    0,
    [_N, _OLAPA, _A],
    [0, 0, () => ObjectLambdaAccessPointAlias$], 1
];
var ObjectLambdaAccessPointAlias$ = [3, n0, _OLAPAb,
    0,
    [_V, _St],
    [0, 0]
];
var ObjectLambdaConfiguration$ = [3, n0, _OLC,
    0,
    [_SAP, _TC, _CWME, _AF],
    [0, [() => ObjectLambdaTransformationConfigurationsList, 0], 2, [() => ObjectLambdaAllowedFeaturesList, 0]], 2
];
var ObjectLambdaTransformationConfiguration$ = [3, n0, _OLTC,
    0,
    [_Act, _CTo],
    [[() => ObjectLambdaTransformationConfigurationActionsList, 0], () => ObjectLambdaContentTransformation$], 2
];
var PolicyStatus$ = [3, n0, _PS,
    0,
    [_IP],
    [[2, { [_xN]: _IP }]]
];
var PrefixLevel$ = [3, n0, _PL,
    0,
    [_SM],
    [() => PrefixLevelStorageMetrics$], 1
];
var PrefixLevelStorageMetrics$ = [3, n0, _PLSM,
    0,
    [_IEs, _SCe],
    [2, () => SelectionCriteria$]
];
var ProposedMultiRegionAccessPointPolicy$ = [3, n0, _PMRAPP,
    0,
    [_Po],
    [0]
];
var PublicAccessBlockConfiguration$ = [3, n0, _PABC,
    0,
    [_BPA, _IPA, _BPP, _RPB],
    [[2, { [_xN]: _BPA }], [2, { [_xN]: _IPA }], [2, { [_xN]: _BPP }], [2, { [_xN]: _RPB }]]
];
var PutAccessGrantsInstanceResourcePolicyRequest$ = [3, n0, _PAGIRPR,
    0,
    [_Po, _AI, _Or],
    [0, [0, { [_hL]: 1, [_hH]: _xaai }], 0], 1
];
var PutAccessGrantsInstanceResourcePolicyResult$ = [3, n0, _PAGIRPRu,
    0,
    [_Po, _Or, _CA],
    [0, 0, 4]
];
var PutAccessPointConfigurationForObjectLambdaRequest$ = [3, n0, _PAPCFOLR,
    0,
    [_N, _Co, _AI],
    [[0, 1], [() => ObjectLambdaConfiguration$, 0], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutAccessPointPolicyForObjectLambdaRequest$ = [3, n0, _PAPPFOLR,
    0,
    [_N, _Po, _AI],
    [[0, 1], 0, [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutAccessPointPolicyRequest$ = [3, n0, _PAPPR,
    0,
    [_N, _Po, _AI],
    [[0, 1], 0, [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutAccessPointScopeRequest$ = [3, n0, _PAPSR,
    0,
    [_N, _S, _AI],
    [[0, 1], [() => Scope$, 0], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutBucketLifecycleConfigurationRequest$ = [3, n0, _PBLCR,
    0,
    [_B, _AI, _LCi],
    [[0, 1], [0, { [_hL]: 1, [_hH]: _xaai }], [() => LifecycleConfiguration$, { [_hP]: 1, [_xN]: _LCi }]], 1
];
var PutBucketPolicyRequest$ = [3, n0, _PBPR,
    0,
    [_B, _Po, _AI, _CRSBA],
    [[0, 1], 0, [0, { [_hL]: 1, [_hH]: _xaai }], [2, { [_hH]: _xacrsba }]], 2
];
var PutBucketReplicationRequest$ = [3, n0, _PBRR,
    0,
    [_B, _RC, _AI],
    [[0, 1], [() => ReplicationConfiguration$, { [_hP]: 1, [_xN]: _RC }], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutBucketTaggingRequest$ = [3, n0, _PBTR,
    0,
    [_B, _Tagg, _AI],
    [[0, 1], [() => Tagging$, { [_hP]: 1, [_xN]: _Tagg }], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutBucketVersioningRequest$ = [3, n0, _PBVR,
    0,
    [_B, _VCe, _AI, _MFA],
    [[0, 1], [() => VersioningConfiguration$, { [_hP]: 1, [_xN]: _VCe }], [0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hH]: _xam }]], 2
];
var PutJobTaggingRequest$ = [3, n0, _PJTR,
    0,
    [_JI, _T, _AI],
    [[0, 1], () => S3TagSet, [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutJobTaggingResult$ = [3, n0, _PJTRu,
    0,
    [],
    []
];
var PutMultiRegionAccessPointPolicyInput$ = [3, n0, _PMRAPPI,
    0,
    [_N, _Po],
    [0, 0], 2
];
var PutMultiRegionAccessPointPolicyRequest$ = [3, n0, _PMRAPPR,
    0,
    [_De, _AI, _CTl],
    [() => PutMultiRegionAccessPointPolicyInput$, [0, { [_hL]: 1, [_hH]: _xaai }], [0, 4]], 1
];
var PutMultiRegionAccessPointPolicyResult$ = [3, n0, _PMRAPPRu,
    0,
    [_RTARN],
    [0]
];
var PutPublicAccessBlockRequest$ = [3, n0, _PPABR,
    0,
    [_PABC, _AI],
    [[() => PublicAccessBlockConfiguration$, { [_hP]: 1, [_xN]: _PABC }], [0, { [_hL]: 1, [_hH]: _xaai }]], 1
];
var PutStorageLensConfigurationRequest$ = [3, n0, _PSLCR,
    0,
    [_CI, _SLC, _AI, _T],
    [[0, 1], [() => StorageLensConfiguration$, 0], [0, { [_hL]: 1, [_hH]: _xaai }], [() => StorageLensTags, 0]], 2
];
var PutStorageLensConfigurationTaggingRequest$ = [3, n0, _PSLCTR,
    0,
    [_CI, _T, _AI],
    [[0, 1], [() => StorageLensTags, 0], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var PutStorageLensConfigurationTaggingResult$ = [3, n0, _PSLCTRu,
    0,
    [],
    []
];
var Region$ = [3, n0, _Regi,
    0,
    [_B, _BAI],
    [0, 0], 1
];
var RegionalBucket$ = [3, n0, _RB,
    0,
    [_B, _PABE, _CD, _BA, _OI],
    [0, 2, 4, 0, 0], 3
];
var RegionReport$ = [3, n0, _RR,
    0,
    [_B, _Regi, _BAI],
    [0, 0, 0]
];
var ReplicaModifications$ = [3, n0, _RM,
    0,
    [_St],
    [0], 1
];
var ReplicationConfiguration$ = [3, n0, _RC,
    0,
    [_Rol, _Ru],
    [0, [() => ReplicationRules, 0]], 2
];
var ReplicationRule$ = [3, n0, _RRe,
    0,
    [_St, _Des, _B, _ID, _Pr, _Pre, _Fil, _SSC, _EOR, _DMR],
    [0, () => Destination$, 0, 0, 1, 0, () => ReplicationRuleFilter$, () => SourceSelectionCriteria$, () => ExistingObjectReplication$, () => DeleteMarkerReplication$], 3
];
var ReplicationRuleAndOperator$ = [3, n0, _RRAO,
    0,
    [_Pre, _T],
    [0, () => S3TagSet]
];
var ReplicationRuleFilter$ = [3, n0, _RRF,
    0,
    [_Pre, _Tag, _An],
    [0, () => S3Tag$, () => ReplicationRuleAndOperator$]
];
var ReplicationTime$ = [3, n0, _RT,
    0,
    [_St, _Tim],
    [0, () => ReplicationTimeValue$], 2
];
var ReplicationTimeValue$ = [3, n0, _RTV,
    0,
    [_Mi],
    [1]
];
var S3AccessControlList$ = [3, n0, _SACL,
    0,
    [_O, _Gr],
    [() => S3ObjectOwner$, () => S3GrantList], 1
];
var S3AccessControlPolicy$ = [3, n0, _SACP,
    0,
    [_ACLc, _CACL],
    [() => S3AccessControlList$, 0]
];
var S3BucketDestination$ = [3, n0, _SBD,
    0,
    [_F, _OSV, _Ar, _AI, _Pre, _Enc],
    [0, 0, 0, 0, 0, [() => StorageLensDataExportEncryption$, 0]], 3
];
var S3ComputeObjectChecksumOperation$ = [3, n0, _SCOCO,
    0,
    [_CAh, _CTh],
    [0, 0]
];
var S3CopyObjectOperation$ = [3, n0, _SCOO,
    0,
    [_TR, _CACL, _ACG, _MDe, _MSC, _NOM, _NOT, _RL, _RPe, _SC, _UMSC, _SSEAKKI, _TKP, _OLLHS, _OLM, _OLRUD, _BKE, _CAh],
    [0, 0, () => S3GrantList, 0, 4, () => S3ObjectMetadata$, () => S3TagSet, 0, 2, 0, 4, 0, 0, 0, 0, 4, 2, 0]
];
var S3DeleteObjectTaggingOperation$ = [3, n0, _SDOTO,
    0,
    [],
    []
];
var S3GeneratedManifestDescriptor$ = [3, n0, _SGMD,
    0,
    [_F, _L],
    [0, () => JobManifestLocation$]
];
var S3Grant$ = [3, n0, _SG,
    0,
    [_G, _P],
    [() => S3Grantee$, 0]
];
var S3Grantee$ = [3, n0, _SGr,
    0,
    [_TI, _Ide, _DN],
    [0, 0, 0]
];
var S3InitiateRestoreObjectOperation$ = [3, n0, _SIROO,
    0,
    [_EID, _GJT],
    [1, 0]
];
var S3JobManifestGenerator$ = [3, n0, _SJMG,
    0,
    [_SB, _EMO, _EBO, _MOL, _Fil],
    [0, 2, 0, [() => S3ManifestOutputLocation$, 0], [() => JobManifestGeneratorFilter$, 0]], 2
];
var S3ManifestOutputLocation$ = [3, n0, _SMOL,
    0,
    [_B, _MF, _EMBO, _MP, _ME],
    [0, 0, 0, 0, [() => GeneratedManifestEncryption$, 0]], 2
];
var S3ObjectLockLegalHold$ = [3, n0, _SOLLH,
    0,
    [_St],
    [0], 1
];
var S3ObjectMetadata$ = [3, n0, _SOM,
    0,
    [_CC, _CDo, _CE, _CL, _UM, _CLo, _CMD, _CTon, _HED, _RCe, _SSEA],
    [0, 0, 0, 0, 128 | 0, 1, 0, 0, 4, 2, 0]
];
var S3ObjectOwner$ = [3, n0, _SOO,
    0,
    [_ID, _DN],
    [0, 0]
];
var S3ReplicateObjectOperation$ = [3, n0, _SROO,
    0,
    [],
    []
];
var S3Retention$ = [3, n0, _SR,
    0,
    [_RUD, _Mo],
    [4, 0]
];
var S3SetObjectAclOperation$ = [3, n0, _SSOAO,
    0,
    [_ACP],
    [() => S3AccessControlPolicy$]
];
var S3SetObjectLegalHoldOperation$ = [3, n0, _SSOLHO,
    0,
    [_LH],
    [() => S3ObjectLockLegalHold$], 1
];
var S3SetObjectRetentionOperation$ = [3, n0, _SSORO,
    0,
    [_Ret, _BGR],
    [() => S3Retention$, 2], 1
];
var S3SetObjectTaggingOperation$ = [3, n0, _SSOTO,
    0,
    [_TS],
    [() => S3TagSet]
];
var S3Tag$ = [3, n0, _STa,
    0,
    [_K, _V],
    [0, 0], 2
];
var S3UpdateObjectEncryptionOperation$ = [3, n0, _SUOEO,
    0,
    [_OE],
    [[() => ObjectEncryption$, 0]]
];
var S3UpdateObjectEncryptionSSEKMS$ = [3, n0, _SUOESSEKMS,
    { [_xN]: _SK },
    [_KMSKA, _BKE],
    [0, 2], 1
];
var Scope$ = [3, n0, _S,
    0,
    [_Pref, _Pe],
    [[() => PrefixesList, { [_xN]: _Pref }], [() => ScopePermissionList, { [_xN]: _Pe }]]
];
var SelectionCriteria$ = [3, n0, _SCe,
    0,
    [_Del, _MDa, _MSBP],
    [0, 1, 1]
];
var SourceSelectionCriteria$ = [3, n0, _SSC,
    0,
    [_SKEO, _RM],
    [() => SseKmsEncryptedObjects$, () => ReplicaModifications$]
];
var SSECFilter$ = [3, n0, _SSECF,
    0,
    [],
    []
];
var SSEKMS$ = [3, n0, _SSEKMS,
    { [_xN]: _SK },
    [_KI],
    [0], 1
];
var SseKmsEncryptedObjects$ = [3, n0, _SKEO,
    0,
    [_St],
    [0], 1
];
var SSEKMSEncryption$ = [3, n0, _SSEKMSE,
    { [_xN]: _SK },
    [_KI],
    [0], 1
];
var SSEKMSFilter$ = [3, n0, _SSEKMSF,
    0,
    [_KKA, _BKE],
    [0, 2]
];
var SSES3$ = [3, n0, _SSES,
    { [_xN]: _SS },
    [],
    []
];
var SSES3Encryption$ = [3, n0, _SSESE,
    { [_xN]: _SS },
    [],
    []
];
var SSES3Filter$ = [3, n0, _SSESF,
    0,
    [],
    []
];
var StorageLensAwsOrg$ = [3, n0, _SLAO,
    0,
    [_Ar],
    [0], 1
];
var StorageLensConfiguration$ = [3, n0, _SLC,
    0,
    [_Id, _AL, _IEs, _I, _Ex, _DE, _EPDE, _AOw, _SLA, _PD],
    [0, [() => AccountLevel$, 0], 2, [() => Include$, 0], [() => _Exclude$, 0], [() => StorageLensDataExport$, 0], [() => StorageLensExpandedPrefixesDataExport$, 0], () => StorageLensAwsOrg$, 0, 0], 3
];
var StorageLensDataExport$ = [3, n0, _SLDE,
    0,
    [_SBD, _CWM, _SLTD],
    [[() => S3BucketDestination$, 0], () => CloudWatchMetrics$, [() => StorageLensTableDestination$, 0]]
];
var StorageLensDataExportEncryption$ = [3, n0, _SLDEE,
    0,
    [_SSES, _SSEKMS],
    [[() => SSES3$, { [_xN]: _SS }], [() => SSEKMS$, { [_xN]: _SK }]]
];
var StorageLensExpandedPrefixesDataExport$ = [3, n0, _SLEPDE,
    0,
    [_SBD, _SLTD],
    [[() => S3BucketDestination$, 0], [() => StorageLensTableDestination$, 0]]
];
var StorageLensGroup$ = [3, n0, _SLG,
    0,
    [_N, _Fil, _SLGA],
    [0, [() => StorageLensGroupFilter$, 0], 0], 2
];
var StorageLensGroupAndOperator$ = [3, n0, _SLGAO,
    0,
    [_MAP, _MAS, _MAT, _MOA, _MOS],
    [[() => MatchAnyPrefix, 0], [() => MatchAnySuffix, 0], [() => MatchAnyTag, 0], () => MatchObjectAge$, () => MatchObjectSize$]
];
var StorageLensGroupFilter$ = [3, n0, _SLGF,
    0,
    [_MAP, _MAS, _MAT, _MOA, _MOS, _An, _Or_],
    [[() => MatchAnyPrefix, 0], [() => MatchAnySuffix, 0], [() => MatchAnyTag, 0], () => MatchObjectAge$, () => MatchObjectSize$, [() => StorageLensGroupAndOperator$, 0], [() => StorageLensGroupOrOperator$, 0]]
];
var StorageLensGroupLevel$ = [3, n0, _SLGL,
    0,
    [_SCe],
    [[() => StorageLensGroupLevelSelectionCriteria$, 0]]
];
var StorageLensGroupLevelSelectionCriteria$ = [3, n0, _SLGLSC,
    0,
    [_I, _Ex],
    [[() => StorageLensGroupLevelInclude, 0], [() => StorageLensGroupLevelExclude, 0]]
];
var StorageLensGroupOrOperator$ = [3, n0, _SLGOO,
    0,
    [_MAP, _MAS, _MAT, _MOA, _MOS],
    [[() => MatchAnyPrefix, 0], [() => MatchAnySuffix, 0], [() => MatchAnyTag, 0], () => MatchObjectAge$, () => MatchObjectSize$]
];
var StorageLensTableDestination$ = [3, n0, _SLTD,
    0,
    [_IEs, _Enc],
    [2, [() => StorageLensDataExportEncryption$, 0]], 1
];
var StorageLensTag$ = [3, n0, _SLT,
    0,
    [_K, _V],
    [0, 0], 2
];
var SubmitMultiRegionAccessPointRoutesRequest$ = [3, n0, _SMRAPRR,
    0,
    [_Mr, _RU, _AI],
    [[0, 1], [() => RouteList, 0], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var SubmitMultiRegionAccessPointRoutesResult$ = [3, n0, _SMRAPRRu,
    0,
    [],
    []
];
var Tag$ = [3, n0, _Tag,
    0,
    [_K, _V],
    [0, 0], 2
];
var Tagging$ = [3, n0, _Tagg,
    0,
    [_TS],
    [() => S3TagSet], 1
];
var TagResourceRequest$ = [3, n0, _TRR,
    0,
    [_RAe, _T, _AI],
    [[0, 1], [() => TagList, 0], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var TagResourceResult$ = [3, n0, _TRRa,
    0,
    [],
    []
];
var Transition$ = [3, n0, _Tra,
    0,
    [_Da, _Day, _SC],
    [4, 1, 0]
];
var UntagResourceRequest$ = [3, n0, _URR,
    0,
    [_RAe, _TK, _AI],
    [[0, 1], [64 | 0, { [_hQ]: _tK }], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var UntagResourceResult$ = [3, n0, _URRn,
    0,
    [],
    []
];
var UpdateAccessGrantsLocationRequest$ = [3, n0, _UAGLR,
    0,
    [_AGLI, _IAMRA, _AI],
    [[0, 1], 0, [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var UpdateAccessGrantsLocationResult$ = [3, n0, _UAGLRp,
    0,
    [_CA, _AGLI, _AGLA, _LS, _IAMRA],
    [4, 0, 0, 0, 0]
];
var UpdateJobPriorityRequest$ = [3, n0, _UJPR,
    0,
    [_JI, _Pr, _AI],
    [[0, 1], [1, { [_hQ]: _pri }], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var UpdateJobPriorityResult$ = [3, n0, _UJPRp,
    0,
    [_JI, _Pr],
    [0, 1], 2
];
var UpdateJobStatusRequest$ = [3, n0, _UJSR,
    0,
    [_JI, _RJS, _AI, _SUR],
    [[0, 1], [0, { [_hQ]: _rJS }], [0, { [_hL]: 1, [_hH]: _xaai }], [0, { [_hQ]: _sUR }]], 2
];
var UpdateJobStatusResult$ = [3, n0, _UJSRp,
    0,
    [_JI, _St, _SUR],
    [0, 0, 0]
];
var UpdateStorageLensGroupRequest$ = [3, n0, _USLGR,
    0,
    [_N, _SLG, _AI],
    [[0, 1], [() => StorageLensGroup$, 0], [0, { [_hL]: 1, [_hH]: _xaai }]], 2
];
var VersioningConfiguration$ = [3, n0, _VCe,
    0,
    [_MFAD, _St],
    [[0, { [_xN]: _MD }], 0]
];
var VpcConfiguration$ = [3, n0, _VC,
    0,
    [_VI],
    [0], 1
];
var __Unit = "unit";
var AccessGrantsInstancesList = [1, n0, _AGIL,
    0, [() => ListAccessGrantsInstanceEntry$,
        { [_xN]: _AGIc }]
];
var AccessGrantsList = [1, n0, _AGL,
    0, [() => ListAccessGrantEntry$,
        { [_xN]: _AG }]
];
var AccessGrantsLocationsList = [1, n0, _AGLL,
    0, [() => ListAccessGrantsLocationsEntry$,
        { [_xN]: _AGLc }]
];
var AccessPointList = [1, n0, _APL,
    0, [() => AccessPoint$,
        { [_xN]: _AP }]
];
var Buckets = [1, n0, _Bu,
    0, [0,
        { [_xN]: _Ar }]
];
var CallerAccessGrantsList = [1, n0, _CAGL,
    0, [() => ListCallerAccessGrantsEntry$,
        { [_xN]: _AG }]
];
var JobFailureList = [1, n0, _JFL,
    0, () => JobFailure$
];
var JobListDescriptorList = [1, n0, _JLDL,
    0, () => JobListDescriptor$
];
var LifecycleRules = [1, n0, _LRi,
    0, [() => LifecycleRule$,
        { [_xN]: _Rul }]
];
var MatchAnyPrefix = [1, n0, _MAP,
    0, [0,
        { [_xN]: _Pre }]
];
var MatchAnySuffix = [1, n0, _MAS,
    0, [0,
        { [_xN]: _Su }]
];
var MatchAnyTag = [1, n0, _MAT,
    0, [() => S3Tag$,
        { [_xN]: _Tag }]
];
var MultiRegionAccessPointRegionalResponseList = [1, n0, _MRAPRRL,
    0, [() => MultiRegionAccessPointRegionalResponse$,
        { [_xN]: _Regi }]
];
var MultiRegionAccessPointReportList = [1, n0, _MRAPRL,
    0, [() => MultiRegionAccessPointReport$,
        { [_xN]: _AP }]
];
var NoncurrentVersionTransitionList = [1, n0, _NVTL,
    0, [() => NoncurrentVersionTransition$,
        { [_xN]: _NVTo }]
];
var ObjectEncryptionFilterList = [1, n0, _OEFL,
    0, [() => ObjectEncryptionFilter$,
        { [_xN]: _OE }]
];
var ObjectLambdaAccessPointList = [1, n0, _OLAPL,
    0, [() => ObjectLambdaAccessPoint$,
        { [_xN]: _OLAP }]
];
var ObjectLambdaAllowedFeaturesList = [1, n0, _OLAFL,
    0, [0,
        { [_xN]: _AFl }]
];
var ObjectLambdaTransformationConfigurationActionsList = [1, n0, _OLTCAL,
    0, [0,
        { [_xN]: _Acti }]
];
var ObjectLambdaTransformationConfigurationsList = [1, n0, _OLTCL,
    0, [() => ObjectLambdaTransformationConfiguration$,
        { [_xN]: _TCr }]
];
var PrefixesList = [1, n0, _PLr,
    0, [0,
        { [_xN]: _Pre }]
];
var RegionalBucketList = [1, n0, _RBL,
    0, [() => RegionalBucket$,
        { [_xN]: _RB }]
];
var RegionCreationList = [1, n0, _RCL,
    0, [() => Region$,
        { [_xN]: _Regi }]
];
var RegionReportList = [1, n0, _RRL,
    0, [() => RegionReport$,
        { [_xN]: _Regi }]
];
var Regions = [1, n0, _Reg,
    0, [0,
        { [_xN]: _Regi }]
];
var ReplicationRules = [1, n0, _RRep,
    0, [() => ReplicationRule$,
        { [_xN]: _Rul }]
];
var RouteList = [1, n0, _RLo,
    0, [() => MultiRegionAccessPointRoute$,
        { [_xN]: _Rou }]
];
var S3GrantList = [1, n0, _SGL,
    0, () => S3Grant$
];
var S3TagSet = [1, n0, _STS,
    0, () => S3Tag$
];
var ScopePermissionList = [1, n0, _SPL,
    0, [0,
        { [_xN]: _P }]
];
var StorageLensConfigurationList = [1, n0, _SLCL,
    0, [() => ListStorageLensConfigurationEntry$,
        { [_xN]: _SLC }]
];
var StorageLensGroupLevelExclude = [1, n0, _SLGLE,
    0, [0,
        { [_xN]: _Ar }]
];
var StorageLensGroupLevelInclude = [1, n0, _SLGLI,
    0, [0,
        { [_xN]: _Ar }]
];
var StorageLensGroupList = [1, n0, _SLGLt,
    0, [() => ListStorageLensGroupEntry$,
        { [_xN]: _SLG }]
];
var StorageLensTags = [1, n0, _SLTt,
    0, [() => StorageLensTag$,
        { [_xN]: _Tag }]
];
var TagList = [1, n0, _TL,
    0, [() => Tag$,
        { [_xN]: _Tag }]
];
var TransitionList = [1, n0, _TLr,
    0, [() => Transition$,
        { [_xN]: _Tra }]
];
var JobManifestGenerator$ = [4, n0, _JMG,
    0,
    [_SJMG],
    [[() => S3JobManifestGenerator$, 0]]
];
var ObjectEncryptionFilter$ = [4, n0, _OEF,
    0,
    [_SSES, _SSEKMS, _DSSEKMS, _SSEC, _NOTSSE],
    [[() => SSES3Filter$, { [_xN]: _SS }], [() => SSEKMSFilter$, { [_xN]: _SK }], [() => DSSEKMSFilter$, { [_xN]: _DK }], [() => SSECFilter$, { [_xN]: _SC_ }], [() => NotSSEFilter$, { [_xN]: _NS }]]
];
var ObjectLambdaContentTransformation$ = [4, n0, _OLCT,
    0,
    [_ALw],
    [() => AwsLambdaTransformation$]
];
var AssociateAccessGrantsIdentityCenter$ = [9, n0, _AAGIC,
    { [_h]: ["POST", "/v20180820/accessgrantsinstance/identitycenter", 200], [_hCR]: 1 }, () => AssociateAccessGrantsIdentityCenterRequest$, () => __Unit
];
var CreateAccessGrant$ = [9, n0, _CAG,
    { [_h]: ["POST", "/v20180820/accessgrantsinstance/grant", 200], [_hCR]: 1 }, () => CreateAccessGrantRequest$, () => CreateAccessGrantResult$
];
var CreateAccessGrantsInstance$ = [9, n0, _CAGI,
    { [_h]: ["POST", "/v20180820/accessgrantsinstance", 200], [_hCR]: 1 }, () => CreateAccessGrantsInstanceRequest$, () => CreateAccessGrantsInstanceResult$
];
var CreateAccessGrantsLocation$ = [9, n0, _CAGLr,
    { [_h]: ["POST", "/v20180820/accessgrantsinstance/location", 200], [_hCR]: 1 }, () => CreateAccessGrantsLocationRequest$, () => CreateAccessGrantsLocationResult$
];
var CreateAccessPoint$ = [9, n0, _CAP,
    { [_h]: ["PUT", "/v20180820/accesspoint/{Name}", 200] }, () => CreateAccessPointRequest$, () => CreateAccessPointResult$
];
var CreateAccessPointForObjectLambda$ = [9, n0, _CAPFOL,
    { [_h]: ["PUT", "/v20180820/accesspointforobjectlambda/{Name}", 200] }, () => CreateAccessPointForObjectLambdaRequest$, () => CreateAccessPointForObjectLambdaResult$
];
var CreateBucket$ = [9, n0, _CBr,
    { [_h]: ["PUT", "/v20180820/bucket/{Bucket}", 200], [_hCR]: 1 }, () => CreateBucketRequest$, () => CreateBucketResult$
];
var CreateJob$ = [9, n0, _CJ,
    { [_h]: ["POST", "/v20180820/jobs", 200] }, () => CreateJobRequest$, () => CreateJobResult$
];
var CreateMultiRegionAccessPoint$ = [9, n0, _CMRAP,
    { [_h]: ["POST", "/v20180820/async-requests/mrap/create", 200], [_hCR]: 1 }, () => CreateMultiRegionAccessPointRequest$, () => CreateMultiRegionAccessPointResult$
];
var CreateStorageLensGroup$ = [9, n0, _CSLG,
    { [_h]: ["POST", "/v20180820/storagelensgroup", 204] }, () => CreateStorageLensGroupRequest$, () => __Unit
];
var DeleteAccessGrant$ = [9, n0, _DAG,
    { [_h]: ["DELETE", "/v20180820/accessgrantsinstance/grant/{AccessGrantId}", 200], [_hCR]: 1 }, () => DeleteAccessGrantRequest$, () => __Unit
];
var DeleteAccessGrantsInstance$ = [9, n0, _DAGI,
    { [_h]: ["DELETE", "/v20180820/accessgrantsinstance", 200], [_hCR]: 1 }, () => DeleteAccessGrantsInstanceRequest$, () => __Unit
];
var DeleteAccessGrantsInstanceResourcePolicy$ = [9, n0, _DAGIRP,
    { [_h]: ["DELETE", "/v20180820/accessgrantsinstance/resourcepolicy", 200], [_hCR]: 1 }, () => DeleteAccessGrantsInstanceResourcePolicyRequest$, () => __Unit
];
var DeleteAccessGrantsLocation$ = [9, n0, _DAGL,
    { [_h]: ["DELETE", "/v20180820/accessgrantsinstance/location/{AccessGrantsLocationId}", 200], [_hCR]: 1 }, () => DeleteAccessGrantsLocationRequest$, () => __Unit
];
var DeleteAccessPoint$ = [9, n0, _DAP,
    { [_h]: ["DELETE", "/v20180820/accesspoint/{Name}", 200] }, () => DeleteAccessPointRequest$, () => __Unit
];
var DeleteAccessPointForObjectLambda$ = [9, n0, _DAPFOL,
    { [_h]: ["DELETE", "/v20180820/accesspointforobjectlambda/{Name}", 200] }, () => DeleteAccessPointForObjectLambdaRequest$, () => __Unit
];
var DeleteAccessPointPolicy$ = [9, n0, _DAPP,
    { [_h]: ["DELETE", "/v20180820/accesspoint/{Name}/policy", 200] }, () => DeleteAccessPointPolicyRequest$, () => __Unit
];
var DeleteAccessPointPolicyForObjectLambda$ = [9, n0, _DAPPFOL,
    { [_h]: ["DELETE", "/v20180820/accesspointforobjectlambda/{Name}/policy", 200] }, () => DeleteAccessPointPolicyForObjectLambdaRequest$, () => __Unit
];
var DeleteAccessPointScope$ = [9, n0, _DAPS,
    { [_h]: ["DELETE", "/v20180820/accesspoint/{Name}/scope", 200] }, () => DeleteAccessPointScopeRequest$, () => __Unit
];
var DeleteBucket$ = [9, n0, _DBe,
    { [_h]: ["DELETE", "/v20180820/bucket/{Bucket}", 200] }, () => DeleteBucketRequest$, () => __Unit
];
var DeleteBucketLifecycleConfiguration$ = [9, n0, _DBLC,
    { [_h]: ["DELETE", "/v20180820/bucket/{Bucket}/lifecycleconfiguration", 200] }, () => DeleteBucketLifecycleConfigurationRequest$, () => __Unit
];
var DeleteBucketPolicy$ = [9, n0, _DBP,
    { [_h]: ["DELETE", "/v20180820/bucket/{Bucket}/policy", 200] }, () => DeleteBucketPolicyRequest$, () => __Unit
];
var DeleteBucketReplication$ = [9, n0, _DBRe,
    { [_h]: ["DELETE", "/v20180820/bucket/{Bucket}/replication", 200] }, () => DeleteBucketReplicationRequest$, () => __Unit
];
var DeleteBucketTagging$ = [9, n0, _DBT,
    { [_h]: ["DELETE", "/v20180820/bucket/{Bucket}/tagging", 204] }, () => DeleteBucketTaggingRequest$, () => __Unit
];
var DeleteJobTagging$ = [9, n0, _DJT,
    { [_h]: ["DELETE", "/v20180820/jobs/{JobId}/tagging", 200] }, () => DeleteJobTaggingRequest$, () => DeleteJobTaggingResult$
];
var DeleteMultiRegionAccessPoint$ = [9, n0, _DMRAP,
    { [_h]: ["POST", "/v20180820/async-requests/mrap/delete", 200], [_hCR]: 1 }, () => DeleteMultiRegionAccessPointRequest$, () => DeleteMultiRegionAccessPointResult$
];
var DeletePublicAccessBlock$ = [9, n0, _DPAB,
    { [_h]: ["DELETE", "/v20180820/configuration/publicAccessBlock", 200] }, () => DeletePublicAccessBlockRequest$, () => __Unit
];
var DeleteStorageLensConfiguration$ = [9, n0, _DSLC,
    { [_h]: ["DELETE", "/v20180820/storagelens/{ConfigId}", 200] }, () => DeleteStorageLensConfigurationRequest$, () => __Unit
];
var DeleteStorageLensConfigurationTagging$ = [9, n0, _DSLCT,
    { [_h]: ["DELETE", "/v20180820/storagelens/{ConfigId}/tagging", 200] }, () => DeleteStorageLensConfigurationTaggingRequest$, () => DeleteStorageLensConfigurationTaggingResult$
];
var DeleteStorageLensGroup$ = [9, n0, _DSLG,
    { [_h]: ["DELETE", "/v20180820/storagelensgroup/{Name}", 204] }, () => DeleteStorageLensGroupRequest$, () => __Unit
];
var DescribeJob$ = [9, n0, _DJ,
    { [_h]: ["GET", "/v20180820/jobs/{JobId}", 200] }, () => DescribeJobRequest$, () => DescribeJobResult$
];
var DescribeMultiRegionAccessPointOperation$ = [9, n0, _DMRAPO,
    { [_h]: ["GET", "/v20180820/async-requests/mrap/{RequestTokenARN+}", 200], [_hCR]: 1 }, () => DescribeMultiRegionAccessPointOperationRequest$, () => DescribeMultiRegionAccessPointOperationResult$
];
var DissociateAccessGrantsIdentityCenter$ = [9, n0, _DAGIC,
    { [_h]: ["DELETE", "/v20180820/accessgrantsinstance/identitycenter", 200], [_hCR]: 1 }, () => DissociateAccessGrantsIdentityCenterRequest$, () => __Unit
];
var GetAccessGrant$ = [9, n0, _GAG,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/grant/{AccessGrantId}", 200], [_hCR]: 1 }, () => GetAccessGrantRequest$, () => GetAccessGrantResult$
];
var GetAccessGrantsInstance$ = [9, n0, _GAGI,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance", 200], [_hCR]: 1 }, () => GetAccessGrantsInstanceRequest$, () => GetAccessGrantsInstanceResult$
];
var GetAccessGrantsInstanceForPrefix$ = [9, n0, _GAGIFP,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/prefix", 200], [_hCR]: 1 }, () => GetAccessGrantsInstanceForPrefixRequest$, () => GetAccessGrantsInstanceForPrefixResult$
];
var GetAccessGrantsInstanceResourcePolicy$ = [9, n0, _GAGIRP,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/resourcepolicy", 200], [_hCR]: 1 }, () => GetAccessGrantsInstanceResourcePolicyRequest$, () => GetAccessGrantsInstanceResourcePolicyResult$
];
var GetAccessGrantsLocation$ = [9, n0, _GAGL,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/location/{AccessGrantsLocationId}", 200], [_hCR]: 1 }, () => GetAccessGrantsLocationRequest$, () => GetAccessGrantsLocationResult$
];
var GetAccessPoint$ = [9, n0, _GAP,
    { [_h]: ["GET", "/v20180820/accesspoint/{Name}", 200] }, () => GetAccessPointRequest$, () => GetAccessPointResult$
];
var GetAccessPointConfigurationForObjectLambda$ = [9, n0, _GAPCFOL,
    { [_h]: ["GET", "/v20180820/accesspointforobjectlambda/{Name}/configuration", 200] }, () => GetAccessPointConfigurationForObjectLambdaRequest$, () => GetAccessPointConfigurationForObjectLambdaResult$
];
var GetAccessPointForObjectLambda$ = [9, n0, _GAPFOL,
    { [_h]: ["GET", "/v20180820/accesspointforobjectlambda/{Name}", 200] }, () => GetAccessPointForObjectLambdaRequest$, () => GetAccessPointForObjectLambdaResult$
];
var GetAccessPointPolicy$ = [9, n0, _GAPP,
    { [_h]: ["GET", "/v20180820/accesspoint/{Name}/policy", 200] }, () => GetAccessPointPolicyRequest$, () => GetAccessPointPolicyResult$
];
var GetAccessPointPolicyForObjectLambda$ = [9, n0, _GAPPFOL,
    { [_h]: ["GET", "/v20180820/accesspointforobjectlambda/{Name}/policy", 200] }, () => GetAccessPointPolicyForObjectLambdaRequest$, () => GetAccessPointPolicyForObjectLambdaResult$
];
var GetAccessPointPolicyStatus$ = [9, n0, _GAPPS,
    { [_h]: ["GET", "/v20180820/accesspoint/{Name}/policyStatus", 200] }, () => GetAccessPointPolicyStatusRequest$, () => GetAccessPointPolicyStatusResult$
];
var GetAccessPointPolicyStatusForObjectLambda$ = [9, n0, _GAPPSFOL,
    { [_h]: ["GET", "/v20180820/accesspointforobjectlambda/{Name}/policyStatus", 200] }, () => GetAccessPointPolicyStatusForObjectLambdaRequest$, () => GetAccessPointPolicyStatusForObjectLambdaResult$
];
var GetAccessPointScope$ = [9, n0, _GAPS,
    { [_h]: ["GET", "/v20180820/accesspoint/{Name}/scope", 200] }, () => GetAccessPointScopeRequest$, () => GetAccessPointScopeResult$
];
var GetBucket$ = [9, n0, _GB,
    { [_h]: ["GET", "/v20180820/bucket/{Bucket}", 200] }, () => GetBucketRequest$, () => GetBucketResult$
];
var GetBucketLifecycleConfiguration$ = [9, n0, _GBLC,
    { [_h]: ["GET", "/v20180820/bucket/{Bucket}/lifecycleconfiguration", 200] }, () => GetBucketLifecycleConfigurationRequest$, () => GetBucketLifecycleConfigurationResult$
];
var GetBucketPolicy$ = [9, n0, _GBP,
    { [_h]: ["GET", "/v20180820/bucket/{Bucket}/policy", 200] }, () => GetBucketPolicyRequest$, () => GetBucketPolicyResult$
];
var GetBucketReplication$ = [9, n0, _GBRet,
    { [_h]: ["GET", "/v20180820/bucket/{Bucket}/replication", 200] }, () => GetBucketReplicationRequest$, () => GetBucketReplicationResult$
];
var GetBucketTagging$ = [9, n0, _GBT,
    { [_h]: ["GET", "/v20180820/bucket/{Bucket}/tagging", 200] }, () => GetBucketTaggingRequest$, () => GetBucketTaggingResult$
];
var GetBucketVersioning$ = [9, n0, _GBV,
    { [_h]: ["GET", "/v20180820/bucket/{Bucket}/versioning", 200] }, () => GetBucketVersioningRequest$, () => GetBucketVersioningResult$
];
var GetDataAccess$ = [9, n0, _GDA,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/dataaccess", 200], [_hCR]: 1 }, () => GetDataAccessRequest$, () => GetDataAccessResult$
];
var GetJobTagging$ = [9, n0, _GJTe,
    { [_h]: ["GET", "/v20180820/jobs/{JobId}/tagging", 200] }, () => GetJobTaggingRequest$, () => GetJobTaggingResult$
];
var GetMultiRegionAccessPoint$ = [9, n0, _GMRAP,
    { [_h]: ["GET", "/v20180820/mrap/instances/{Name+}", 200], [_hCR]: 1 }, () => GetMultiRegionAccessPointRequest$, () => GetMultiRegionAccessPointResult$
];
var GetMultiRegionAccessPointPolicy$ = [9, n0, _GMRAPP,
    { [_h]: ["GET", "/v20180820/mrap/instances/{Name+}/policy", 200], [_hCR]: 1 }, () => GetMultiRegionAccessPointPolicyRequest$, () => GetMultiRegionAccessPointPolicyResult$
];
var GetMultiRegionAccessPointPolicyStatus$ = [9, n0, _GMRAPPS,
    { [_h]: ["GET", "/v20180820/mrap/instances/{Name+}/policystatus", 200], [_hCR]: 1 }, () => GetMultiRegionAccessPointPolicyStatusRequest$, () => GetMultiRegionAccessPointPolicyStatusResult$
];
var GetMultiRegionAccessPointRoutes$ = [9, n0, _GMRAPRet,
    { [_h]: ["GET", "/v20180820/mrap/instances/{Mrap+}/routes", 200], [_hCR]: 1 }, () => GetMultiRegionAccessPointRoutesRequest$, () => GetMultiRegionAccessPointRoutesResult$
];
var GetPublicAccessBlock$ = [9, n0, _GPAB,
    { [_h]: ["GET", "/v20180820/configuration/publicAccessBlock", 200] }, () => GetPublicAccessBlockRequest$, () => GetPublicAccessBlockOutput$
];
var GetStorageLensConfiguration$ = [9, n0, _GSLC,
    { [_h]: ["GET", "/v20180820/storagelens/{ConfigId}", 200] }, () => GetStorageLensConfigurationRequest$, () => GetStorageLensConfigurationResult$
];
var GetStorageLensConfigurationTagging$ = [9, n0, _GSLCT,
    { [_h]: ["GET", "/v20180820/storagelens/{ConfigId}/tagging", 200] }, () => GetStorageLensConfigurationTaggingRequest$, () => GetStorageLensConfigurationTaggingResult$
];
var GetStorageLensGroup$ = [9, n0, _GSLG,
    { [_h]: ["GET", "/v20180820/storagelensgroup/{Name}", 200] }, () => GetStorageLensGroupRequest$, () => GetStorageLensGroupResult$
];
var ListAccessGrants$ = [9, n0, _LAG,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/grants", 200], [_hCR]: 1 }, () => ListAccessGrantsRequest$, () => ListAccessGrantsResult$
];
var ListAccessGrantsInstances$ = [9, n0, _LAGI,
    { [_h]: ["GET", "/v20180820/accessgrantsinstances", 200], [_hCR]: 1 }, () => ListAccessGrantsInstancesRequest$, () => ListAccessGrantsInstancesResult$
];
var ListAccessGrantsLocations$ = [9, n0, _LAGL,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/locations", 200], [_hCR]: 1 }, () => ListAccessGrantsLocationsRequest$, () => ListAccessGrantsLocationsResult$
];
var ListAccessPoints$ = [9, n0, _LAP,
    { [_h]: ["GET", "/v20180820/accesspoint", 200] }, () => ListAccessPointsRequest$, () => ListAccessPointsResult$
];
var ListAccessPointsForDirectoryBuckets$ = [9, n0, _LAPFDB,
    { [_h]: ["GET", "/v20180820/accesspointfordirectory", 200] }, () => ListAccessPointsForDirectoryBucketsRequest$, () => ListAccessPointsForDirectoryBucketsResult$
];
var ListAccessPointsForObjectLambda$ = [9, n0, _LAPFOL,
    { [_h]: ["GET", "/v20180820/accesspointforobjectlambda", 200] }, () => ListAccessPointsForObjectLambdaRequest$, () => ListAccessPointsForObjectLambdaResult$
];
var ListCallerAccessGrants$ = [9, n0, _LCAG,
    { [_h]: ["GET", "/v20180820/accessgrantsinstance/caller/grants", 200], [_hCR]: 1 }, () => ListCallerAccessGrantsRequest$, () => ListCallerAccessGrantsResult$
];
var ListJobs$ = [9, n0, _LJ,
    { [_h]: ["GET", "/v20180820/jobs", 200] }, () => ListJobsRequest$, () => ListJobsResult$
];
var ListMultiRegionAccessPoints$ = [9, n0, _LMRAP,
    { [_h]: ["GET", "/v20180820/mrap/instances", 200], [_hCR]: 1 }, () => ListMultiRegionAccessPointsRequest$, () => ListMultiRegionAccessPointsResult$
];
var ListRegionalBuckets$ = [9, n0, _LRB,
    { [_h]: ["GET", "/v20180820/bucket", 200] }, () => ListRegionalBucketsRequest$, () => ListRegionalBucketsResult$
];
var ListStorageLensConfigurations$ = [9, n0, _LSLC,
    { [_h]: ["GET", "/v20180820/storagelens", 200] }, () => ListStorageLensConfigurationsRequest$, () => ListStorageLensConfigurationsResult$
];
var ListStorageLensGroups$ = [9, n0, _LSLG,
    { [_h]: ["GET", "/v20180820/storagelensgroup", 200] }, () => ListStorageLensGroupsRequest$, () => ListStorageLensGroupsResult$
];
var ListTagsForResource$ = [9, n0, _LTFR,
    { [_h]: ["GET", "/v20180820/tags/{ResourceArn+}", 200] }, () => ListTagsForResourceRequest$, () => ListTagsForResourceResult$
];
var PutAccessGrantsInstanceResourcePolicy$ = [9, n0, _PAGIRP,
    { [_h]: ["PUT", "/v20180820/accessgrantsinstance/resourcepolicy", 200], [_hCR]: 1 }, () => PutAccessGrantsInstanceResourcePolicyRequest$, () => PutAccessGrantsInstanceResourcePolicyResult$
];
var PutAccessPointConfigurationForObjectLambda$ = [9, n0, _PAPCFOL,
    { [_h]: ["PUT", "/v20180820/accesspointforobjectlambda/{Name}/configuration", 200] }, () => PutAccessPointConfigurationForObjectLambdaRequest$, () => __Unit
];
var PutAccessPointPolicy$ = [9, n0, _PAPP,
    { [_h]: ["PUT", "/v20180820/accesspoint/{Name}/policy", 200] }, () => PutAccessPointPolicyRequest$, () => __Unit
];
var PutAccessPointPolicyForObjectLambda$ = [9, n0, _PAPPFOL,
    { [_h]: ["PUT", "/v20180820/accesspointforobjectlambda/{Name}/policy", 200] }, () => PutAccessPointPolicyForObjectLambdaRequest$, () => __Unit
];
var PutAccessPointScope$ = [9, n0, _PAPS,
    { [_h]: ["PUT", "/v20180820/accesspoint/{Name}/scope", 200] }, () => PutAccessPointScopeRequest$, () => __Unit
];
var PutBucketLifecycleConfiguration$ = [9, n0, _PBLC,
    { [_h]: ["PUT", "/v20180820/bucket/{Bucket}/lifecycleconfiguration", 200], [_hCR]: 1 }, () => PutBucketLifecycleConfigurationRequest$, () => __Unit
];
var PutBucketPolicy$ = [9, n0, _PBP,
    { [_h]: ["PUT", "/v20180820/bucket/{Bucket}/policy", 200], [_hCR]: 1 }, () => PutBucketPolicyRequest$, () => __Unit
];
var PutBucketReplication$ = [9, n0, _PBR,
    { [_h]: ["PUT", "/v20180820/bucket/{Bucket}/replication", 200], [_hCR]: 1 }, () => PutBucketReplicationRequest$, () => __Unit
];
var PutBucketTagging$ = [9, n0, _PBT,
    { [_h]: ["PUT", "/v20180820/bucket/{Bucket}/tagging", 200], [_hCR]: 1 }, () => PutBucketTaggingRequest$, () => __Unit
];
var PutBucketVersioning$ = [9, n0, _PBV,
    { [_h]: ["PUT", "/v20180820/bucket/{Bucket}/versioning", 200], [_hCR]: 1 }, () => PutBucketVersioningRequest$, () => __Unit
];
var PutJobTagging$ = [9, n0, _PJT,
    { [_h]: ["PUT", "/v20180820/jobs/{JobId}/tagging", 200] }, () => PutJobTaggingRequest$, () => PutJobTaggingResult$
];
var PutMultiRegionAccessPointPolicy$ = [9, n0, _PMRAPPu,
    { [_h]: ["POST", "/v20180820/async-requests/mrap/put-policy", 200], [_hCR]: 1 }, () => PutMultiRegionAccessPointPolicyRequest$, () => PutMultiRegionAccessPointPolicyResult$
];
var PutPublicAccessBlock$ = [9, n0, _PPAB,
    { [_h]: ["PUT", "/v20180820/configuration/publicAccessBlock", 200] }, () => PutPublicAccessBlockRequest$, () => __Unit
];
var PutStorageLensConfiguration$ = [9, n0, _PSLC,
    { [_h]: ["PUT", "/v20180820/storagelens/{ConfigId}", 200] }, () => PutStorageLensConfigurationRequest$, () => __Unit
];
var PutStorageLensConfigurationTagging$ = [9, n0, _PSLCT,
    { [_h]: ["PUT", "/v20180820/storagelens/{ConfigId}/tagging", 200] }, () => PutStorageLensConfigurationTaggingRequest$, () => PutStorageLensConfigurationTaggingResult$
];
var SubmitMultiRegionAccessPointRoutes$ = [9, n0, _SMRAPR,
    { [_h]: ["PATCH", "/v20180820/mrap/instances/{Mrap+}/routes", 200], [_hCR]: 1 }, () => SubmitMultiRegionAccessPointRoutesRequest$, () => SubmitMultiRegionAccessPointRoutesResult$
];
var TagResource$ = [9, n0, _TRa,
    { [_h]: ["POST", "/v20180820/tags/{ResourceArn+}", 204] }, () => TagResourceRequest$, () => TagResourceResult$
];
var UntagResource$ = [9, n0, _UR,
    { [_h]: ["DELETE", "/v20180820/tags/{ResourceArn+}", 204] }, () => UntagResourceRequest$, () => UntagResourceResult$
];
var UpdateAccessGrantsLocation$ = [9, n0, _UAGL,
    { [_h]: ["PUT", "/v20180820/accessgrantsinstance/location/{AccessGrantsLocationId}", 200], [_hCR]: 1 }, () => UpdateAccessGrantsLocationRequest$, () => UpdateAccessGrantsLocationResult$
];
var UpdateJobPriority$ = [9, n0, _UJP,
    { [_h]: ["POST", "/v20180820/jobs/{JobId}/priority", 200] }, () => UpdateJobPriorityRequest$, () => UpdateJobPriorityResult$
];
var UpdateJobStatus$ = [9, n0, _UJS,
    { [_h]: ["POST", "/v20180820/jobs/{JobId}/status", 200] }, () => UpdateJobStatusRequest$, () => UpdateJobStatusResult$
];
var UpdateStorageLensGroup$ = [9, n0, _USLG,
    { [_h]: ["PUT", "/v20180820/storagelensgroup/{Name}", 204] }, () => UpdateStorageLensGroupRequest$, () => __Unit
];

const getRuntimeConfig$1 = (config) => {
    return {
        apiVersion: "2018-08-20",
        base64Decoder: config?.base64Decoder ?? fromBase64,
        base64Encoder: config?.base64Encoder ?? toBase64,
        disableHostPrefix: config?.disableHostPrefix ?? false,
        endpointProvider: config?.endpointProvider ?? defaultEndpointResolver,
        extensions: config?.extensions ?? [],
        httpAuthSchemeProvider: config?.httpAuthSchemeProvider ?? defaultS3ControlHttpAuthSchemeProvider,
        httpAuthSchemes: config?.httpAuthSchemes ?? [
            {
                schemeId: "aws.auth#sigv4",
                identityProvider: (ipc) => ipc.getIdentityProvider("aws.auth#sigv4"),
                signer: new AwsSdkSigV4Signer(),
            },
        ],
        logger: config?.logger ?? new NoOpLogger(),
        md5: config?.md5 ?? Md5,
        protocol: config?.protocol ?? AwsRestXmlProtocol,
        protocolSettings: config?.protocolSettings ?? {
            defaultNamespace: "com.amazonaws.s3control",
            errorTypeRegistries,
            xmlNamespace: "http://awss3control.amazonaws.com/doc/2018-08-20/",
            version: "2018-08-20",
            serviceTarget: "AWSS3ControlServiceV20180820",
        },
        serviceId: config?.serviceId ?? "S3 Control",
        sha256: config?.sha256 ?? Sha256,
        signingEscapePath: config?.signingEscapePath ?? false,
        urlParser: config?.urlParser ?? parseUrl,
        useArnRegion: config?.useArnRegion ?? undefined,
        utf8Decoder: config?.utf8Decoder ?? fromUtf8,
        utf8Encoder: config?.utf8Encoder ?? toUtf8,
    };
};

const getRuntimeConfig = (config) => {
    emitWarningIfUnsupportedVersion(process.version);
    const defaultsMode = resolveDefaultsModeConfig(config);
    const defaultConfigProvider = () => defaultsMode().then(loadConfigsForDefaultMode);
    const clientSharedValues = getRuntimeConfig$1(config);
    emitWarningIfUnsupportedVersion$1(process.version);
    const loaderConfig = {
        profile: config?.profile,
        logger: clientSharedValues.logger,
    };
    return {
        ...clientSharedValues,
        ...config,
        runtime: "node",
        defaultsMode,
        authSchemePreference: config?.authSchemePreference ?? loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, loaderConfig),
        bodyLengthChecker: config?.bodyLengthChecker ?? calculateBodyLength,
        credentialDefaultProvider: config?.credentialDefaultProvider ?? defaultProvider,
        defaultUserAgentProvider: config?.defaultUserAgentProvider ?? createDefaultUserAgentProvider({ serviceId: clientSharedValues.serviceId, clientVersion: packageInfo.version }),
        maxAttempts: config?.maxAttempts ?? loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS, config),
        region: config?.region ?? loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ...loaderConfig }),
        requestHandler: NodeHttpHandler.create(config?.requestHandler ?? defaultConfigProvider),
        retryMode: config?.retryMode ??
            loadConfig({
                ...NODE_RETRY_MODE_CONFIG_OPTIONS,
                default: async () => (await defaultConfigProvider()).retryMode || DEFAULT_RETRY_MODE,
            }, config),
        streamCollector: config?.streamCollector ?? streamCollector,
        streamHasher: config?.streamHasher ?? fileStreamHasher,
        useArnRegion: config?.useArnRegion ?? loadConfig(NODE_USE_ARN_REGION_CONFIG_OPTIONS, loaderConfig),
        useDualstackEndpoint: config?.useDualstackEndpoint ?? loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
        useFipsEndpoint: config?.useFipsEndpoint ?? loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
        userAgentAppId: config?.userAgentAppId ?? loadConfig(NODE_APP_ID_CONFIG_OPTIONS, loaderConfig),
    };
};

const getHttpAuthExtensionConfiguration = (runtimeConfig) => {
    const _httpAuthSchemes = runtimeConfig.httpAuthSchemes;
    let _httpAuthSchemeProvider = runtimeConfig.httpAuthSchemeProvider;
    let _credentials = runtimeConfig.credentials;
    return {
        setHttpAuthScheme(httpAuthScheme) {
            const index = _httpAuthSchemes.findIndex((scheme) => scheme.schemeId === httpAuthScheme.schemeId);
            if (index === -1) {
                _httpAuthSchemes.push(httpAuthScheme);
            }
            else {
                _httpAuthSchemes.splice(index, 1, httpAuthScheme);
            }
        },
        httpAuthSchemes() {
            return _httpAuthSchemes;
        },
        setHttpAuthSchemeProvider(httpAuthSchemeProvider) {
            _httpAuthSchemeProvider = httpAuthSchemeProvider;
        },
        httpAuthSchemeProvider() {
            return _httpAuthSchemeProvider;
        },
        setCredentials(credentials) {
            _credentials = credentials;
        },
        credentials() {
            return _credentials;
        },
    };
};
const resolveHttpAuthRuntimeConfig = (config) => {
    return {
        httpAuthSchemes: config.httpAuthSchemes(),
        httpAuthSchemeProvider: config.httpAuthSchemeProvider(),
        credentials: config.credentials(),
    };
};

const resolveRuntimeExtensions = (runtimeConfig, extensions) => {
    const extensionConfiguration = Object.assign(getAwsRegionExtensionConfiguration(runtimeConfig), getDefaultExtensionConfiguration(runtimeConfig), getHttpHandlerExtensionConfiguration(runtimeConfig), getHttpAuthExtensionConfiguration(runtimeConfig));
    extensions.forEach((extension) => extension.configure(extensionConfiguration));
    return Object.assign(runtimeConfig, resolveAwsRegionExtensionConfiguration(extensionConfiguration), resolveDefaultRuntimeConfig(extensionConfiguration), resolveHttpHandlerRuntimeConfig(extensionConfiguration), resolveHttpAuthRuntimeConfig(extensionConfiguration));
};

class S3ControlClient extends Client {
    config;
    constructor(...[configuration]) {
        const _config_0 = getRuntimeConfig(configuration || {});
        super(_config_0);
        this.initConfig = _config_0;
        const _config_1 = resolveClientEndpointParameters(_config_0);
        const _config_2 = resolveUserAgentConfig(_config_1);
        const _config_3 = resolveRetryConfig(_config_2);
        const _config_4 = resolveRegionConfig(_config_3);
        const _config_5 = resolveHostHeaderConfig(_config_4);
        const _config_6 = resolveEndpointConfig(_config_5);
        const _config_7 = resolveS3ControlConfig(_config_6);
        const _config_8 = resolveHttpAuthSchemeConfig(_config_7);
        const _config_9 = resolveRuntimeExtensions(_config_8, configuration?.extensions || []);
        this.config = _config_9;
        this.middlewareStack.use(getSchemaSerdePlugin(this.config));
        this.middlewareStack.use(getUserAgentPlugin(this.config));
        this.middlewareStack.use(getRetryPlugin(this.config));
        this.middlewareStack.use(getContentLengthPlugin(this.config));
        this.middlewareStack.use(getHostHeaderPlugin(this.config));
        this.middlewareStack.use(getLoggerPlugin(this.config));
        this.middlewareStack.use(getRecursionDetectionPlugin(this.config));
        this.middlewareStack.use(getHostPrefixDeduplicationPlugin(this.config));
        this.middlewareStack.use(getHttpAuthSchemeEndpointRuleSetPlugin(this.config, {
            httpAuthSchemeParametersProvider: defaultS3ControlHttpAuthSchemeParametersProvider,
            identityProviderConfigProvider: async (config) => new DefaultIdentityProviderConfig({
                "aws.auth#sigv4": config.credentials,
            }),
        }));
        this.middlewareStack.use(getHttpSigningPlugin(this.config));
    }
    destroy() {
        super.destroy();
    }
}

const command = makeBuilder(commonParams, "AWSS3ControlServiceV20180820", "S3ControlClient", getEndpointPlugin);
const _ep0 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    AccountId: { type: "contextParams", name: "AccountId" },
};
const _ep1 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    AccessPointName: { type: "contextParams", name: "Name" },
    AccountId: { type: "contextParams", name: "AccountId" },
    Bucket: { type: "contextParams", name: "Bucket" },
};
const _ep2 = {
    OutpostId: { type: "contextParams", name: "OutpostId" },
    Bucket: { type: "contextParams", name: "Bucket" },
};
const _ep3 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    AccessPointName: { type: "contextParams", name: "Name" },
    AccountId: { type: "contextParams", name: "AccountId" },
};
const _ep4 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    UseS3ExpressControlEndpoint: { type: "staticContextParams", value: true },
    AccessPointName: { type: "contextParams", name: "Name" },
    AccountId: { type: "contextParams", name: "AccountId" },
};
const _ep5 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    AccountId: { type: "contextParams", name: "AccountId" },
    Bucket: { type: "contextParams", name: "Bucket" },
};
const _ep6 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    UseS3ExpressControlEndpoint: { type: "staticContextParams", value: true },
    AccountId: { type: "contextParams", name: "AccountId" },
};
const _ep7 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    OutpostId: { type: "contextParams", name: "OutpostId" },
    AccountId: { type: "contextParams", name: "AccountId" },
};
const _ep8 = {
    RequiresAccountId: { type: "staticContextParams", value: true },
    ResourceArn: { type: "contextParams", name: "ResourceArn" },
    AccountId: { type: "contextParams", name: "AccountId" },
};
const _mw0 = (Command, cs, config, o) => [
    getProcessArnablesPlugin(config),
    getApplyMd5BodyChecksumPlugin(config),
];
const _mw1 = (Command, cs, config, o) => [
    getProcessArnablesPlugin(config),
];
const _mw2 = (Command, cs, config, o) => [
    getRedirectFromPostIdPlugin(config),
    getApplyMd5BodyChecksumPlugin(config),
];
const _mw3 = (Command, cs, config, o) => [
    getRedirectFromPostIdPlugin(config),
];

class AssociateAccessGrantsIdentityCenterCommand extends command(_ep0, _mw0, "AssociateAccessGrantsIdentityCenter", AssociateAccessGrantsIdentityCenter$) {
}

class CreateAccessGrantCommand extends command(_ep0, _mw0, "CreateAccessGrant", CreateAccessGrant$) {
}

class CreateAccessGrantsInstanceCommand extends command(_ep0, _mw0, "CreateAccessGrantsInstance", CreateAccessGrantsInstance$) {
}

class CreateAccessGrantsLocationCommand extends command(_ep0, _mw0, "CreateAccessGrantsLocation", CreateAccessGrantsLocation$) {
}

class CreateAccessPointCommand extends command(_ep1, _mw1, "CreateAccessPoint", CreateAccessPoint$) {
}

class CreateAccessPointForObjectLambdaCommand extends command(_ep0, _mw1, "CreateAccessPointForObjectLambda", CreateAccessPointForObjectLambda$) {
}

class CreateBucketCommand extends command(_ep2, _mw2, "CreateBucket", CreateBucket$) {
}

class CreateJobCommand extends command(_ep0, _mw1, "CreateJob", CreateJob$) {
}

class CreateMultiRegionAccessPointCommand extends command(_ep0, _mw0, "CreateMultiRegionAccessPoint", CreateMultiRegionAccessPoint$) {
}

class CreateStorageLensGroupCommand extends command(_ep0, _mw1, "CreateStorageLensGroup", CreateStorageLensGroup$) {
}

class DeleteAccessGrantCommand extends command(_ep0, _mw0, "DeleteAccessGrant", DeleteAccessGrant$) {
}

class DeleteAccessGrantsInstanceCommand extends command(_ep0, _mw0, "DeleteAccessGrantsInstance", DeleteAccessGrantsInstance$) {
}

class DeleteAccessGrantsInstanceResourcePolicyCommand extends command(_ep0, _mw0, "DeleteAccessGrantsInstanceResourcePolicy", DeleteAccessGrantsInstanceResourcePolicy$) {
}

class DeleteAccessGrantsLocationCommand extends command(_ep0, _mw0, "DeleteAccessGrantsLocation", DeleteAccessGrantsLocation$) {
}

class DeleteAccessPointCommand extends command(_ep3, _mw1, "DeleteAccessPoint", DeleteAccessPoint$) {
}

class DeleteAccessPointForObjectLambdaCommand extends command(_ep0, _mw1, "DeleteAccessPointForObjectLambda", DeleteAccessPointForObjectLambda$) {
}

class DeleteAccessPointPolicyCommand extends command(_ep3, _mw1, "DeleteAccessPointPolicy", DeleteAccessPointPolicy$) {
}

class DeleteAccessPointPolicyForObjectLambdaCommand extends command(_ep0, _mw1, "DeleteAccessPointPolicyForObjectLambda", DeleteAccessPointPolicyForObjectLambda$) {
}

class DeleteAccessPointScopeCommand extends command(_ep4, _mw1, "DeleteAccessPointScope", DeleteAccessPointScope$) {
}

class DeleteBucketCommand extends command(_ep5, _mw1, "DeleteBucket", DeleteBucket$) {
}

class DeleteBucketLifecycleConfigurationCommand extends command(_ep5, _mw1, "DeleteBucketLifecycleConfiguration", DeleteBucketLifecycleConfiguration$) {
}

class DeleteBucketPolicyCommand extends command(_ep5, _mw1, "DeleteBucketPolicy", DeleteBucketPolicy$) {
}

class DeleteBucketReplicationCommand extends command(_ep5, _mw1, "DeleteBucketReplication", DeleteBucketReplication$) {
}

class DeleteBucketTaggingCommand extends command(_ep5, _mw1, "DeleteBucketTagging", DeleteBucketTagging$) {
}

class DeleteJobTaggingCommand extends command(_ep0, _mw1, "DeleteJobTagging", DeleteJobTagging$) {
}

class DeleteMultiRegionAccessPointCommand extends command(_ep0, _mw0, "DeleteMultiRegionAccessPoint", DeleteMultiRegionAccessPoint$) {
}

class DeletePublicAccessBlockCommand extends command(_ep0, _mw1, "DeletePublicAccessBlock", DeletePublicAccessBlock$) {
}

class DeleteStorageLensConfigurationCommand extends command(_ep0, _mw1, "DeleteStorageLensConfiguration", DeleteStorageLensConfiguration$) {
}

class DeleteStorageLensConfigurationTaggingCommand extends command(_ep0, _mw1, "DeleteStorageLensConfigurationTagging", DeleteStorageLensConfigurationTagging$) {
}

class DeleteStorageLensGroupCommand extends command(_ep0, _mw1, "DeleteStorageLensGroup", DeleteStorageLensGroup$) {
}

class DescribeJobCommand extends command(_ep0, _mw1, "DescribeJob", DescribeJob$) {
}

class DescribeMultiRegionAccessPointOperationCommand extends command(_ep0, _mw0, "DescribeMultiRegionAccessPointOperation", DescribeMultiRegionAccessPointOperation$) {
}

class DissociateAccessGrantsIdentityCenterCommand extends command(_ep0, _mw0, "DissociateAccessGrantsIdentityCenter", DissociateAccessGrantsIdentityCenter$) {
}

class GetAccessGrantCommand extends command(_ep0, _mw0, "GetAccessGrant", GetAccessGrant$) {
}

class GetAccessGrantsInstanceCommand extends command(_ep0, _mw0, "GetAccessGrantsInstance", GetAccessGrantsInstance$) {
}

class GetAccessGrantsInstanceForPrefixCommand extends command(_ep0, _mw0, "GetAccessGrantsInstanceForPrefix", GetAccessGrantsInstanceForPrefix$) {
}

class GetAccessGrantsInstanceResourcePolicyCommand extends command(_ep0, _mw0, "GetAccessGrantsInstanceResourcePolicy", GetAccessGrantsInstanceResourcePolicy$) {
}

class GetAccessGrantsLocationCommand extends command(_ep0, _mw0, "GetAccessGrantsLocation", GetAccessGrantsLocation$) {
}

class GetAccessPointCommand extends command(_ep3, _mw1, "GetAccessPoint", GetAccessPoint$) {
}

class GetAccessPointConfigurationForObjectLambdaCommand extends command(_ep0, _mw1, "GetAccessPointConfigurationForObjectLambda", GetAccessPointConfigurationForObjectLambda$) {
}

class GetAccessPointForObjectLambdaCommand extends command(_ep0, _mw1, "GetAccessPointForObjectLambda", GetAccessPointForObjectLambda$) {
}

class GetAccessPointPolicyCommand extends command(_ep3, _mw1, "GetAccessPointPolicy", GetAccessPointPolicy$) {
}

class GetAccessPointPolicyForObjectLambdaCommand extends command(_ep0, _mw1, "GetAccessPointPolicyForObjectLambda", GetAccessPointPolicyForObjectLambda$) {
}

class GetAccessPointPolicyStatusCommand extends command(_ep3, _mw1, "GetAccessPointPolicyStatus", GetAccessPointPolicyStatus$) {
}

class GetAccessPointPolicyStatusForObjectLambdaCommand extends command(_ep0, _mw1, "GetAccessPointPolicyStatusForObjectLambda", GetAccessPointPolicyStatusForObjectLambda$) {
}

class GetAccessPointScopeCommand extends command(_ep4, _mw1, "GetAccessPointScope", GetAccessPointScope$) {
}

class GetBucketCommand extends command(_ep5, _mw1, "GetBucket", GetBucket$) {
}

class GetBucketLifecycleConfigurationCommand extends command(_ep5, _mw1, "GetBucketLifecycleConfiguration", GetBucketLifecycleConfiguration$) {
}

class GetBucketPolicyCommand extends command(_ep5, _mw1, "GetBucketPolicy", GetBucketPolicy$) {
}

class GetBucketReplicationCommand extends command(_ep5, _mw1, "GetBucketReplication", GetBucketReplication$) {
}

class GetBucketTaggingCommand extends command(_ep5, _mw1, "GetBucketTagging", GetBucketTagging$) {
}

class GetBucketVersioningCommand extends command(_ep5, _mw1, "GetBucketVersioning", GetBucketVersioning$) {
}

class GetDataAccessCommand extends command(_ep0, _mw0, "GetDataAccess", GetDataAccess$) {
}

class GetJobTaggingCommand extends command(_ep0, _mw1, "GetJobTagging", GetJobTagging$) {
}

class GetMultiRegionAccessPointCommand extends command(_ep0, _mw0, "GetMultiRegionAccessPoint", GetMultiRegionAccessPoint$) {
}

class GetMultiRegionAccessPointPolicyCommand extends command(_ep0, _mw0, "GetMultiRegionAccessPointPolicy", GetMultiRegionAccessPointPolicy$) {
}

class GetMultiRegionAccessPointPolicyStatusCommand extends command(_ep0, _mw0, "GetMultiRegionAccessPointPolicyStatus", GetMultiRegionAccessPointPolicyStatus$) {
}

class GetMultiRegionAccessPointRoutesCommand extends command(_ep0, _mw0, "GetMultiRegionAccessPointRoutes", GetMultiRegionAccessPointRoutes$) {
}

class GetPublicAccessBlockCommand extends command(_ep0, _mw1, "GetPublicAccessBlock", GetPublicAccessBlock$) {
}

class GetStorageLensConfigurationCommand extends command(_ep0, _mw1, "GetStorageLensConfiguration", GetStorageLensConfiguration$) {
}

class GetStorageLensConfigurationTaggingCommand extends command(_ep0, _mw1, "GetStorageLensConfigurationTagging", GetStorageLensConfigurationTagging$) {
}

class GetStorageLensGroupCommand extends command(_ep0, _mw1, "GetStorageLensGroup", GetStorageLensGroup$) {
}

class ListAccessGrantsCommand extends command(_ep0, _mw0, "ListAccessGrants", ListAccessGrants$) {
}

class ListAccessGrantsInstancesCommand extends command(_ep0, _mw0, "ListAccessGrantsInstances", ListAccessGrantsInstances$) {
}

class ListAccessGrantsLocationsCommand extends command(_ep0, _mw0, "ListAccessGrantsLocations", ListAccessGrantsLocations$) {
}

class ListAccessPointsCommand extends command(_ep5, _mw1, "ListAccessPoints", ListAccessPoints$) {
}

class ListAccessPointsForDirectoryBucketsCommand extends command(_ep6, _mw1, "ListAccessPointsForDirectoryBuckets", ListAccessPointsForDirectoryBuckets$) {
}

class ListAccessPointsForObjectLambdaCommand extends command(_ep0, _mw1, "ListAccessPointsForObjectLambda", ListAccessPointsForObjectLambda$) {
}

class ListCallerAccessGrantsCommand extends command(_ep0, _mw0, "ListCallerAccessGrants", ListCallerAccessGrants$) {
}

class ListJobsCommand extends command(_ep0, _mw1, "ListJobs", ListJobs$) {
}

class ListMultiRegionAccessPointsCommand extends command(_ep0, _mw0, "ListMultiRegionAccessPoints", ListMultiRegionAccessPoints$) {
}

class ListRegionalBucketsCommand extends command(_ep7, _mw3, "ListRegionalBuckets", ListRegionalBuckets$) {
}

class ListStorageLensConfigurationsCommand extends command(_ep0, _mw1, "ListStorageLensConfigurations", ListStorageLensConfigurations$) {
}

class ListStorageLensGroupsCommand extends command(_ep0, _mw1, "ListStorageLensGroups", ListStorageLensGroups$) {
}

class ListTagsForResourceCommand extends command(_ep8, _mw1, "ListTagsForResource", ListTagsForResource$) {
}

class PutAccessGrantsInstanceResourcePolicyCommand extends command(_ep0, _mw0, "PutAccessGrantsInstanceResourcePolicy", PutAccessGrantsInstanceResourcePolicy$) {
}

class PutAccessPointConfigurationForObjectLambdaCommand extends command(_ep0, _mw1, "PutAccessPointConfigurationForObjectLambda", PutAccessPointConfigurationForObjectLambda$) {
}

class PutAccessPointPolicyCommand extends command(_ep3, _mw1, "PutAccessPointPolicy", PutAccessPointPolicy$) {
}

class PutAccessPointPolicyForObjectLambdaCommand extends command(_ep0, _mw1, "PutAccessPointPolicyForObjectLambda", PutAccessPointPolicyForObjectLambda$) {
}

class PutAccessPointScopeCommand extends command(_ep4, _mw1, "PutAccessPointScope", PutAccessPointScope$) {
}

class PutBucketLifecycleConfigurationCommand extends command(_ep5, _mw0, "PutBucketLifecycleConfiguration", PutBucketLifecycleConfiguration$) {
}

class PutBucketPolicyCommand extends command(_ep5, _mw0, "PutBucketPolicy", PutBucketPolicy$) {
}

class PutBucketReplicationCommand extends command(_ep5, _mw0, "PutBucketReplication", PutBucketReplication$) {
}

class PutBucketTaggingCommand extends command(_ep5, _mw0, "PutBucketTagging", PutBucketTagging$) {
}

class PutBucketVersioningCommand extends command(_ep5, _mw0, "PutBucketVersioning", PutBucketVersioning$) {
}

class PutJobTaggingCommand extends command(_ep0, _mw1, "PutJobTagging", PutJobTagging$) {
}

class PutMultiRegionAccessPointPolicyCommand extends command(_ep0, _mw0, "PutMultiRegionAccessPointPolicy", PutMultiRegionAccessPointPolicy$) {
}

class PutPublicAccessBlockCommand extends command(_ep0, _mw1, "PutPublicAccessBlock", PutPublicAccessBlock$) {
}

class PutStorageLensConfigurationCommand extends command(_ep0, _mw1, "PutStorageLensConfiguration", PutStorageLensConfiguration$) {
}

class PutStorageLensConfigurationTaggingCommand extends command(_ep0, _mw1, "PutStorageLensConfigurationTagging", PutStorageLensConfigurationTagging$) {
}

class SubmitMultiRegionAccessPointRoutesCommand extends command(_ep0, _mw0, "SubmitMultiRegionAccessPointRoutes", SubmitMultiRegionAccessPointRoutes$) {
}

class TagResourceCommand extends command(_ep8, _mw1, "TagResource", TagResource$) {
}

class UntagResourceCommand extends command(_ep8, _mw1, "UntagResource", UntagResource$) {
}

class UpdateAccessGrantsLocationCommand extends command(_ep0, _mw0, "UpdateAccessGrantsLocation", UpdateAccessGrantsLocation$) {
}

class UpdateJobPriorityCommand extends command(_ep0, _mw1, "UpdateJobPriority", UpdateJobPriority$) {
}

class UpdateJobStatusCommand extends command(_ep0, _mw1, "UpdateJobStatus", UpdateJobStatus$) {
}

class UpdateStorageLensGroupCommand extends command(_ep0, _mw1, "UpdateStorageLensGroup", UpdateStorageLensGroup$) {
}

const paginateListAccessGrantsInstances = createPaginator(S3ControlClient, ListAccessGrantsInstancesCommand, "NextToken", "NextToken", "MaxResults");

const paginateListAccessGrantsLocations = createPaginator(S3ControlClient, ListAccessGrantsLocationsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListAccessGrants = createPaginator(S3ControlClient, ListAccessGrantsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListAccessPointsForDirectoryBuckets = createPaginator(S3ControlClient, ListAccessPointsForDirectoryBucketsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListAccessPointsForObjectLambda = createPaginator(S3ControlClient, ListAccessPointsForObjectLambdaCommand, "NextToken", "NextToken", "MaxResults");

const paginateListAccessPoints = createPaginator(S3ControlClient, ListAccessPointsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListCallerAccessGrants = createPaginator(S3ControlClient, ListCallerAccessGrantsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListJobs = createPaginator(S3ControlClient, ListJobsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListMultiRegionAccessPoints = createPaginator(S3ControlClient, ListMultiRegionAccessPointsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListRegionalBuckets = createPaginator(S3ControlClient, ListRegionalBucketsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListStorageLensConfigurations = createPaginator(S3ControlClient, ListStorageLensConfigurationsCommand, "NextToken", "NextToken", "");

const paginateListStorageLensGroups = createPaginator(S3ControlClient, ListStorageLensGroupsCommand, "NextToken", "NextToken", "");

const commands = {
    AssociateAccessGrantsIdentityCenterCommand,
    CreateAccessGrantCommand,
    CreateAccessGrantsInstanceCommand,
    CreateAccessGrantsLocationCommand,
    CreateAccessPointCommand,
    CreateAccessPointForObjectLambdaCommand,
    CreateBucketCommand,
    CreateJobCommand,
    CreateMultiRegionAccessPointCommand,
    CreateStorageLensGroupCommand,
    DeleteAccessGrantCommand,
    DeleteAccessGrantsInstanceCommand,
    DeleteAccessGrantsInstanceResourcePolicyCommand,
    DeleteAccessGrantsLocationCommand,
    DeleteAccessPointCommand,
    DeleteAccessPointForObjectLambdaCommand,
    DeleteAccessPointPolicyCommand,
    DeleteAccessPointPolicyForObjectLambdaCommand,
    DeleteAccessPointScopeCommand,
    DeleteBucketCommand,
    DeleteBucketLifecycleConfigurationCommand,
    DeleteBucketPolicyCommand,
    DeleteBucketReplicationCommand,
    DeleteBucketTaggingCommand,
    DeleteJobTaggingCommand,
    DeleteMultiRegionAccessPointCommand,
    DeletePublicAccessBlockCommand,
    DeleteStorageLensConfigurationCommand,
    DeleteStorageLensConfigurationTaggingCommand,
    DeleteStorageLensGroupCommand,
    DescribeJobCommand,
    DescribeMultiRegionAccessPointOperationCommand,
    DissociateAccessGrantsIdentityCenterCommand,
    GetAccessGrantCommand,
    GetAccessGrantsInstanceCommand,
    GetAccessGrantsInstanceForPrefixCommand,
    GetAccessGrantsInstanceResourcePolicyCommand,
    GetAccessGrantsLocationCommand,
    GetAccessPointCommand,
    GetAccessPointConfigurationForObjectLambdaCommand,
    GetAccessPointForObjectLambdaCommand,
    GetAccessPointPolicyCommand,
    GetAccessPointPolicyForObjectLambdaCommand,
    GetAccessPointPolicyStatusCommand,
    GetAccessPointPolicyStatusForObjectLambdaCommand,
    GetAccessPointScopeCommand,
    GetBucketCommand,
    GetBucketLifecycleConfigurationCommand,
    GetBucketPolicyCommand,
    GetBucketReplicationCommand,
    GetBucketTaggingCommand,
    GetBucketVersioningCommand,
    GetDataAccessCommand,
    GetJobTaggingCommand,
    GetMultiRegionAccessPointCommand,
    GetMultiRegionAccessPointPolicyCommand,
    GetMultiRegionAccessPointPolicyStatusCommand,
    GetMultiRegionAccessPointRoutesCommand,
    GetPublicAccessBlockCommand,
    GetStorageLensConfigurationCommand,
    GetStorageLensConfigurationTaggingCommand,
    GetStorageLensGroupCommand,
    ListAccessGrantsCommand,
    ListAccessGrantsInstancesCommand,
    ListAccessGrantsLocationsCommand,
    ListAccessPointsCommand,
    ListAccessPointsForDirectoryBucketsCommand,
    ListAccessPointsForObjectLambdaCommand,
    ListCallerAccessGrantsCommand,
    ListJobsCommand,
    ListMultiRegionAccessPointsCommand,
    ListRegionalBucketsCommand,
    ListStorageLensConfigurationsCommand,
    ListStorageLensGroupsCommand,
    ListTagsForResourceCommand,
    PutAccessGrantsInstanceResourcePolicyCommand,
    PutAccessPointConfigurationForObjectLambdaCommand,
    PutAccessPointPolicyCommand,
    PutAccessPointPolicyForObjectLambdaCommand,
    PutAccessPointScopeCommand,
    PutBucketLifecycleConfigurationCommand,
    PutBucketPolicyCommand,
    PutBucketReplicationCommand,
    PutBucketTaggingCommand,
    PutBucketVersioningCommand,
    PutJobTaggingCommand,
    PutMultiRegionAccessPointPolicyCommand,
    PutPublicAccessBlockCommand,
    PutStorageLensConfigurationCommand,
    PutStorageLensConfigurationTaggingCommand,
    SubmitMultiRegionAccessPointRoutesCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateAccessGrantsLocationCommand,
    UpdateJobPriorityCommand,
    UpdateJobStatusCommand,
    UpdateStorageLensGroupCommand,
};
const paginators = {
    paginateListAccessGrants,
    paginateListAccessGrantsInstances,
    paginateListAccessGrantsLocations,
    paginateListAccessPoints,
    paginateListAccessPointsForDirectoryBuckets,
    paginateListAccessPointsForObjectLambda,
    paginateListCallerAccessGrants,
    paginateListJobs,
    paginateListMultiRegionAccessPoints,
    paginateListRegionalBuckets,
    paginateListStorageLensConfigurations,
    paginateListStorageLensGroups,
};
class S3Control extends S3ControlClient {
}
createAggregatedClient(commands, S3Control, { paginators });

const OwnerOverride = {
    Destination: "Destination",
};
const GranteeType = {
    DIRECTORY_GROUP: "DIRECTORY_GROUP",
    DIRECTORY_USER: "DIRECTORY_USER",
    IAM: "IAM",
};
const Permission = {
    READ: "READ",
    READWRITE: "READWRITE",
    WRITE: "WRITE",
};
const NetworkOrigin = {
    Internet: "Internet",
    VPC: "VPC",
};
const AsyncOperationName = {
    CreateMultiRegionAccessPoint: "CreateMultiRegionAccessPoint",
    DeleteMultiRegionAccessPoint: "DeleteMultiRegionAccessPoint",
    PutMultiRegionAccessPointPolicy: "PutMultiRegionAccessPointPolicy",
};
const S3PrefixType = {
    Object: "Object",
};
const ScopePermission = {
    AbortMultipartUpload: "AbortMultipartUpload",
    DeleteObject: "DeleteObject",
    GetObject: "GetObject",
    GetObjectAttributes: "GetObjectAttributes",
    ListBucket: "ListBucket",
    ListBucketMultipartUploads: "ListBucketMultipartUploads",
    ListMultipartUploadParts: "ListMultipartUploadParts",
    PutObject: "PutObject",
};
const ObjectLambdaAllowedFeature = {
    GetObjectPartNumber: "GetObject-PartNumber",
    GetObjectRange: "GetObject-Range",
    HeadObjectPartNumber: "HeadObject-PartNumber",
    HeadObjectRange: "HeadObject-Range",
};
const ObjectLambdaTransformationConfigurationAction = {
    GetObject: "GetObject",
    HeadObject: "HeadObject",
    ListObjects: "ListObjects",
    ListObjectsV2: "ListObjectsV2",
};
const ObjectLambdaAccessPointAliasStatus = {
    PROVISIONING: "PROVISIONING",
    READY: "READY",
};
const BucketCannedACL = {
    authenticated_read: "authenticated-read",
    private: "private",
    public_read: "public-read",
    public_read_write: "public-read-write",
};
const BucketLocationConstraint = {
    EU: "EU",
    ap_northeast_1: "ap-northeast-1",
    ap_south_1: "ap-south-1",
    ap_southeast_1: "ap-southeast-1",
    ap_southeast_2: "ap-southeast-2",
    cn_north_1: "cn-north-1",
    eu_central_1: "eu-central-1",
    eu_west_1: "eu-west-1",
    sa_east_1: "sa-east-1",
    us_west_1: "us-west-1",
    us_west_2: "us-west-2",
};
const JobManifestFieldName = {
    Bucket: "Bucket",
    Ignore: "Ignore",
    Key: "Key",
    VersionId: "VersionId",
};
const JobManifestFormat = {
    S3BatchOperations_CSV_20180820: "S3BatchOperations_CSV_20180820",
    S3InventoryReport_CSV_20161130: "S3InventoryReport_CSV_20161130",
};
const S3StorageClass = {
    DEEP_ARCHIVE: "DEEP_ARCHIVE",
    GLACIER: "GLACIER",
    GLACIER_IR: "GLACIER_IR",
    INTELLIGENT_TIERING: "INTELLIGENT_TIERING",
    ONEZONE_IA: "ONEZONE_IA",
    STANDARD: "STANDARD",
    STANDARD_IA: "STANDARD_IA",
};
const ReplicationStatus = {
    COMPLETED: "COMPLETED",
    FAILED: "FAILED",
    NONE: "NONE",
    REPLICA: "REPLICA",
};
const GeneratedManifestFormat = {
    S3InventoryReport_CSV_20211130: "S3InventoryReport_CSV_20211130",
};
const ComputeObjectChecksumAlgorithm = {
    CRC32: "CRC32",
    CRC32C: "CRC32C",
    CRC64NVME: "CRC64NVME",
    MD5: "MD5",
    SHA1: "SHA1",
    SHA256: "SHA256",
    SHA512: "SHA512",
    XXHASH128: "XXHASH128",
    XXHASH3: "XXHASH3",
    XXHASH64: "XXHASH64",
};
const ComputeObjectChecksumType = {
    COMPOSITE: "COMPOSITE",
    FULL_OBJECT: "FULL_OBJECT",
};
const S3GlacierJobTier = {
    BULK: "BULK",
    STANDARD: "STANDARD",
};
const S3GranteeTypeIdentifier = {
    CANONICAL: "id",
    EMAIL_ADDRESS: "emailAddress",
    GROUP: "uri",
};
const S3Permission = {
    FULL_CONTROL: "FULL_CONTROL",
    READ: "READ",
    READ_ACP: "READ_ACP",
    WRITE: "WRITE",
    WRITE_ACP: "WRITE_ACP",
};
const S3CannedAccessControlList = {
    AUTHENTICATED_READ: "authenticated-read",
    AWS_EXEC_READ: "aws-exec-read",
    BUCKET_OWNER_FULL_CONTROL: "bucket-owner-full-control",
    BUCKET_OWNER_READ: "bucket-owner-read",
    PRIVATE: "private",
    PUBLIC_READ: "public-read",
    PUBLIC_READ_WRITE: "public-read-write",
};
const S3ChecksumAlgorithm = {
    CRC32: "CRC32",
    CRC32C: "CRC32C",
    CRC64NVME: "CRC64NVME",
    MD5: "MD5",
    SHA1: "SHA1",
    SHA256: "SHA256",
    SHA512: "SHA512",
    XXHASH128: "XXHASH128",
    XXHASH3: "XXHASH3",
    XXHASH64: "XXHASH64",
};
const S3MetadataDirective = {
    COPY: "COPY",
    REPLACE: "REPLACE",
};
const S3SSEAlgorithm = {
    AES256: "AES256",
    KMS: "KMS",
};
const S3ObjectLockLegalHoldStatus = {
    OFF: "OFF",
    ON: "ON",
};
const S3ObjectLockMode = {
    COMPLIANCE: "COMPLIANCE",
    GOVERNANCE: "GOVERNANCE",
};
const S3ObjectLockRetentionMode = {
    COMPLIANCE: "COMPLIANCE",
    GOVERNANCE: "GOVERNANCE",
};
const JobReportFormat = {
    Report_CSV_20180820: "Report_CSV_20180820",
};
const JobReportScope = {
    AllTasks: "AllTasks",
    FailedTasksOnly: "FailedTasksOnly",
};
const JobStatus = {
    Active: "Active",
    Cancelled: "Cancelled",
    Cancelling: "Cancelling",
    Complete: "Complete",
    Completing: "Completing",
    Failed: "Failed",
    Failing: "Failing",
    New: "New",
    Paused: "Paused",
    Pausing: "Pausing",
    Preparing: "Preparing",
    Ready: "Ready",
    Suspended: "Suspended",
};
const TransitionStorageClass = {
    DEEP_ARCHIVE: "DEEP_ARCHIVE",
    GLACIER: "GLACIER",
    INTELLIGENT_TIERING: "INTELLIGENT_TIERING",
    ONEZONE_IA: "ONEZONE_IA",
    STANDARD_IA: "STANDARD_IA",
};
const ExpirationStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const DeleteMarkerReplicationStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const MetricsStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const ReplicationTimeStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const ReplicationStorageClass = {
    DEEP_ARCHIVE: "DEEP_ARCHIVE",
    GLACIER: "GLACIER",
    GLACIER_IR: "GLACIER_IR",
    INTELLIGENT_TIERING: "INTELLIGENT_TIERING",
    ONEZONE_IA: "ONEZONE_IA",
    OUTPOSTS: "OUTPOSTS",
    REDUCED_REDUNDANCY: "REDUCED_REDUNDANCY",
    STANDARD: "STANDARD",
    STANDARD_IA: "STANDARD_IA",
};
const ExistingObjectReplicationStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const ReplicaModificationsStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const SseKmsEncryptedObjectsStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const ReplicationRuleStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const MFADeleteStatus = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const BucketVersioningStatus = {
    Enabled: "Enabled",
    Suspended: "Suspended",
};
const Privilege = {
    Default: "Default",
    Minimal: "Minimal",
};
const MultiRegionAccessPointStatus = {
    CREATING: "CREATING",
    DELETING: "DELETING",
    INCONSISTENT_ACROSS_REGIONS: "INCONSISTENT_ACROSS_REGIONS",
    PARTIALLY_CREATED: "PARTIALLY_CREATED",
    PARTIALLY_DELETED: "PARTIALLY_DELETED",
    READY: "READY",
};
const Format = {
    CSV: "CSV",
    Parquet: "Parquet",
};
const OutputSchemaVersion = {
    V_1: "V_1",
};
const OperationName = {
    LambdaInvoke: "LambdaInvoke",
    S3ComputeObjectChecksum: "S3ComputeObjectChecksum",
    S3DeleteObjectTagging: "S3DeleteObjectTagging",
    S3InitiateRestoreObject: "S3InitiateRestoreObject",
    S3PutObjectAcl: "S3PutObjectAcl",
    S3PutObjectCopy: "S3PutObjectCopy",
    S3PutObjectLegalHold: "S3PutObjectLegalHold",
    S3PutObjectRetention: "S3PutObjectRetention",
    S3PutObjectTagging: "S3PutObjectTagging",
    S3ReplicateObject: "S3ReplicateObject",
    S3UpdateObjectEncryption: "S3UpdateObjectEncryption",
};
const MFADelete = {
    Disabled: "Disabled",
    Enabled: "Enabled",
};
const RequestedJobStatus = {
    Cancelled: "Cancelled",
    Ready: "Ready",
};

exports.AbortIncompleteMultipartUpload$ = AbortIncompleteMultipartUpload$;
exports.AccessControlTranslation$ = AccessControlTranslation$;
exports.AccessGrantsLocationConfiguration$ = AccessGrantsLocationConfiguration$;
exports.AccessPoint$ = AccessPoint$;
exports.AccountLevel$ = AccountLevel$;
exports.ActivityMetrics$ = ActivityMetrics$;
exports.AdvancedCostOptimizationMetrics$ = AdvancedCostOptimizationMetrics$;
exports.AdvancedDataProtectionMetrics$ = AdvancedDataProtectionMetrics$;
exports.AdvancedPerformanceMetrics$ = AdvancedPerformanceMetrics$;
exports.AssociateAccessGrantsIdentityCenter$ = AssociateAccessGrantsIdentityCenter$;
exports.AssociateAccessGrantsIdentityCenterCommand = AssociateAccessGrantsIdentityCenterCommand;
exports.AssociateAccessGrantsIdentityCenterRequest$ = AssociateAccessGrantsIdentityCenterRequest$;
exports.AsyncErrorDetails$ = AsyncErrorDetails$;
exports.AsyncOperation$ = AsyncOperation$;
exports.AsyncOperationName = AsyncOperationName;
exports.AsyncRequestParameters$ = AsyncRequestParameters$;
exports.AsyncResponseDetails$ = AsyncResponseDetails$;
exports.AwsLambdaTransformation$ = AwsLambdaTransformation$;
exports.BadRequestException = BadRequestException;
exports.BadRequestException$ = BadRequestException$;
exports.BucketAlreadyExists = BucketAlreadyExists;
exports.BucketAlreadyExists$ = BucketAlreadyExists$;
exports.BucketAlreadyOwnedByYou = BucketAlreadyOwnedByYou;
exports.BucketAlreadyOwnedByYou$ = BucketAlreadyOwnedByYou$;
exports.BucketCannedACL = BucketCannedACL;
exports.BucketLevel$ = BucketLevel$;
exports.BucketLocationConstraint = BucketLocationConstraint;
exports.BucketVersioningStatus = BucketVersioningStatus;
exports.CloudWatchMetrics$ = CloudWatchMetrics$;
exports.ComputeObjectChecksumAlgorithm = ComputeObjectChecksumAlgorithm;
exports.ComputeObjectChecksumType = ComputeObjectChecksumType;
exports.CreateAccessGrant$ = CreateAccessGrant$;
exports.CreateAccessGrantCommand = CreateAccessGrantCommand;
exports.CreateAccessGrantRequest$ = CreateAccessGrantRequest$;
exports.CreateAccessGrantResult$ = CreateAccessGrantResult$;
exports.CreateAccessGrantsInstance$ = CreateAccessGrantsInstance$;
exports.CreateAccessGrantsInstanceCommand = CreateAccessGrantsInstanceCommand;
exports.CreateAccessGrantsInstanceRequest$ = CreateAccessGrantsInstanceRequest$;
exports.CreateAccessGrantsInstanceResult$ = CreateAccessGrantsInstanceResult$;
exports.CreateAccessGrantsLocation$ = CreateAccessGrantsLocation$;
exports.CreateAccessGrantsLocationCommand = CreateAccessGrantsLocationCommand;
exports.CreateAccessGrantsLocationRequest$ = CreateAccessGrantsLocationRequest$;
exports.CreateAccessGrantsLocationResult$ = CreateAccessGrantsLocationResult$;
exports.CreateAccessPoint$ = CreateAccessPoint$;
exports.CreateAccessPointCommand = CreateAccessPointCommand;
exports.CreateAccessPointForObjectLambda$ = CreateAccessPointForObjectLambda$;
exports.CreateAccessPointForObjectLambdaCommand = CreateAccessPointForObjectLambdaCommand;
exports.CreateAccessPointForObjectLambdaRequest$ = CreateAccessPointForObjectLambdaRequest$;
exports.CreateAccessPointForObjectLambdaResult$ = CreateAccessPointForObjectLambdaResult$;
exports.CreateAccessPointRequest$ = CreateAccessPointRequest$;
exports.CreateAccessPointResult$ = CreateAccessPointResult$;
exports.CreateBucket$ = CreateBucket$;
exports.CreateBucketCommand = CreateBucketCommand;
exports.CreateBucketConfiguration$ = CreateBucketConfiguration$;
exports.CreateBucketRequest$ = CreateBucketRequest$;
exports.CreateBucketResult$ = CreateBucketResult$;
exports.CreateJob$ = CreateJob$;
exports.CreateJobCommand = CreateJobCommand;
exports.CreateJobRequest$ = CreateJobRequest$;
exports.CreateJobResult$ = CreateJobResult$;
exports.CreateMultiRegionAccessPoint$ = CreateMultiRegionAccessPoint$;
exports.CreateMultiRegionAccessPointCommand = CreateMultiRegionAccessPointCommand;
exports.CreateMultiRegionAccessPointInput$ = CreateMultiRegionAccessPointInput$;
exports.CreateMultiRegionAccessPointRequest$ = CreateMultiRegionAccessPointRequest$;
exports.CreateMultiRegionAccessPointResult$ = CreateMultiRegionAccessPointResult$;
exports.CreateStorageLensGroup$ = CreateStorageLensGroup$;
exports.CreateStorageLensGroupCommand = CreateStorageLensGroupCommand;
exports.CreateStorageLensGroupRequest$ = CreateStorageLensGroupRequest$;
exports.Credentials$ = Credentials$;
exports.DSSEKMSFilter$ = DSSEKMSFilter$;
exports.DeleteAccessGrant$ = DeleteAccessGrant$;
exports.DeleteAccessGrantCommand = DeleteAccessGrantCommand;
exports.DeleteAccessGrantRequest$ = DeleteAccessGrantRequest$;
exports.DeleteAccessGrantsInstance$ = DeleteAccessGrantsInstance$;
exports.DeleteAccessGrantsInstanceCommand = DeleteAccessGrantsInstanceCommand;
exports.DeleteAccessGrantsInstanceRequest$ = DeleteAccessGrantsInstanceRequest$;
exports.DeleteAccessGrantsInstanceResourcePolicy$ = DeleteAccessGrantsInstanceResourcePolicy$;
exports.DeleteAccessGrantsInstanceResourcePolicyCommand = DeleteAccessGrantsInstanceResourcePolicyCommand;
exports.DeleteAccessGrantsInstanceResourcePolicyRequest$ = DeleteAccessGrantsInstanceResourcePolicyRequest$;
exports.DeleteAccessGrantsLocation$ = DeleteAccessGrantsLocation$;
exports.DeleteAccessGrantsLocationCommand = DeleteAccessGrantsLocationCommand;
exports.DeleteAccessGrantsLocationRequest$ = DeleteAccessGrantsLocationRequest$;
exports.DeleteAccessPoint$ = DeleteAccessPoint$;
exports.DeleteAccessPointCommand = DeleteAccessPointCommand;
exports.DeleteAccessPointForObjectLambda$ = DeleteAccessPointForObjectLambda$;
exports.DeleteAccessPointForObjectLambdaCommand = DeleteAccessPointForObjectLambdaCommand;
exports.DeleteAccessPointForObjectLambdaRequest$ = DeleteAccessPointForObjectLambdaRequest$;
exports.DeleteAccessPointPolicy$ = DeleteAccessPointPolicy$;
exports.DeleteAccessPointPolicyCommand = DeleteAccessPointPolicyCommand;
exports.DeleteAccessPointPolicyForObjectLambda$ = DeleteAccessPointPolicyForObjectLambda$;
exports.DeleteAccessPointPolicyForObjectLambdaCommand = DeleteAccessPointPolicyForObjectLambdaCommand;
exports.DeleteAccessPointPolicyForObjectLambdaRequest$ = DeleteAccessPointPolicyForObjectLambdaRequest$;
exports.DeleteAccessPointPolicyRequest$ = DeleteAccessPointPolicyRequest$;
exports.DeleteAccessPointRequest$ = DeleteAccessPointRequest$;
exports.DeleteAccessPointScope$ = DeleteAccessPointScope$;
exports.DeleteAccessPointScopeCommand = DeleteAccessPointScopeCommand;
exports.DeleteAccessPointScopeRequest$ = DeleteAccessPointScopeRequest$;
exports.DeleteBucket$ = DeleteBucket$;
exports.DeleteBucketCommand = DeleteBucketCommand;
exports.DeleteBucketLifecycleConfiguration$ = DeleteBucketLifecycleConfiguration$;
exports.DeleteBucketLifecycleConfigurationCommand = DeleteBucketLifecycleConfigurationCommand;
exports.DeleteBucketLifecycleConfigurationRequest$ = DeleteBucketLifecycleConfigurationRequest$;
exports.DeleteBucketPolicy$ = DeleteBucketPolicy$;
exports.DeleteBucketPolicyCommand = DeleteBucketPolicyCommand;
exports.DeleteBucketPolicyRequest$ = DeleteBucketPolicyRequest$;
exports.DeleteBucketReplication$ = DeleteBucketReplication$;
exports.DeleteBucketReplicationCommand = DeleteBucketReplicationCommand;
exports.DeleteBucketReplicationRequest$ = DeleteBucketReplicationRequest$;
exports.DeleteBucketRequest$ = DeleteBucketRequest$;
exports.DeleteBucketTagging$ = DeleteBucketTagging$;
exports.DeleteBucketTaggingCommand = DeleteBucketTaggingCommand;
exports.DeleteBucketTaggingRequest$ = DeleteBucketTaggingRequest$;
exports.DeleteJobTagging$ = DeleteJobTagging$;
exports.DeleteJobTaggingCommand = DeleteJobTaggingCommand;
exports.DeleteJobTaggingRequest$ = DeleteJobTaggingRequest$;
exports.DeleteJobTaggingResult$ = DeleteJobTaggingResult$;
exports.DeleteMarkerReplication$ = DeleteMarkerReplication$;
exports.DeleteMarkerReplicationStatus = DeleteMarkerReplicationStatus;
exports.DeleteMultiRegionAccessPoint$ = DeleteMultiRegionAccessPoint$;
exports.DeleteMultiRegionAccessPointCommand = DeleteMultiRegionAccessPointCommand;
exports.DeleteMultiRegionAccessPointInput$ = DeleteMultiRegionAccessPointInput$;
exports.DeleteMultiRegionAccessPointRequest$ = DeleteMultiRegionAccessPointRequest$;
exports.DeleteMultiRegionAccessPointResult$ = DeleteMultiRegionAccessPointResult$;
exports.DeletePublicAccessBlock$ = DeletePublicAccessBlock$;
exports.DeletePublicAccessBlockCommand = DeletePublicAccessBlockCommand;
exports.DeletePublicAccessBlockRequest$ = DeletePublicAccessBlockRequest$;
exports.DeleteStorageLensConfiguration$ = DeleteStorageLensConfiguration$;
exports.DeleteStorageLensConfigurationCommand = DeleteStorageLensConfigurationCommand;
exports.DeleteStorageLensConfigurationRequest$ = DeleteStorageLensConfigurationRequest$;
exports.DeleteStorageLensConfigurationTagging$ = DeleteStorageLensConfigurationTagging$;
exports.DeleteStorageLensConfigurationTaggingCommand = DeleteStorageLensConfigurationTaggingCommand;
exports.DeleteStorageLensConfigurationTaggingRequest$ = DeleteStorageLensConfigurationTaggingRequest$;
exports.DeleteStorageLensConfigurationTaggingResult$ = DeleteStorageLensConfigurationTaggingResult$;
exports.DeleteStorageLensGroup$ = DeleteStorageLensGroup$;
exports.DeleteStorageLensGroupCommand = DeleteStorageLensGroupCommand;
exports.DeleteStorageLensGroupRequest$ = DeleteStorageLensGroupRequest$;
exports.DescribeJob$ = DescribeJob$;
exports.DescribeJobCommand = DescribeJobCommand;
exports.DescribeJobRequest$ = DescribeJobRequest$;
exports.DescribeJobResult$ = DescribeJobResult$;
exports.DescribeMultiRegionAccessPointOperation$ = DescribeMultiRegionAccessPointOperation$;
exports.DescribeMultiRegionAccessPointOperationCommand = DescribeMultiRegionAccessPointOperationCommand;
exports.DescribeMultiRegionAccessPointOperationRequest$ = DescribeMultiRegionAccessPointOperationRequest$;
exports.DescribeMultiRegionAccessPointOperationResult$ = DescribeMultiRegionAccessPointOperationResult$;
exports.Destination$ = Destination$;
exports.DetailedStatusCodesMetrics$ = DetailedStatusCodesMetrics$;
exports.DissociateAccessGrantsIdentityCenter$ = DissociateAccessGrantsIdentityCenter$;
exports.DissociateAccessGrantsIdentityCenterCommand = DissociateAccessGrantsIdentityCenterCommand;
exports.DissociateAccessGrantsIdentityCenterRequest$ = DissociateAccessGrantsIdentityCenterRequest$;
exports.EncryptionConfiguration$ = EncryptionConfiguration$;
exports.EstablishedMultiRegionAccessPointPolicy$ = EstablishedMultiRegionAccessPointPolicy$;
exports.ExistingObjectReplication$ = ExistingObjectReplication$;
exports.ExistingObjectReplicationStatus = ExistingObjectReplicationStatus;
exports.ExpirationStatus = ExpirationStatus;
exports.Format = Format;
exports.GeneratedManifestEncryption$ = GeneratedManifestEncryption$;
exports.GeneratedManifestFormat = GeneratedManifestFormat;
exports.GetAccessGrant$ = GetAccessGrant$;
exports.GetAccessGrantCommand = GetAccessGrantCommand;
exports.GetAccessGrantRequest$ = GetAccessGrantRequest$;
exports.GetAccessGrantResult$ = GetAccessGrantResult$;
exports.GetAccessGrantsInstance$ = GetAccessGrantsInstance$;
exports.GetAccessGrantsInstanceCommand = GetAccessGrantsInstanceCommand;
exports.GetAccessGrantsInstanceForPrefix$ = GetAccessGrantsInstanceForPrefix$;
exports.GetAccessGrantsInstanceForPrefixCommand = GetAccessGrantsInstanceForPrefixCommand;
exports.GetAccessGrantsInstanceForPrefixRequest$ = GetAccessGrantsInstanceForPrefixRequest$;
exports.GetAccessGrantsInstanceForPrefixResult$ = GetAccessGrantsInstanceForPrefixResult$;
exports.GetAccessGrantsInstanceRequest$ = GetAccessGrantsInstanceRequest$;
exports.GetAccessGrantsInstanceResourcePolicy$ = GetAccessGrantsInstanceResourcePolicy$;
exports.GetAccessGrantsInstanceResourcePolicyCommand = GetAccessGrantsInstanceResourcePolicyCommand;
exports.GetAccessGrantsInstanceResourcePolicyRequest$ = GetAccessGrantsInstanceResourcePolicyRequest$;
exports.GetAccessGrantsInstanceResourcePolicyResult$ = GetAccessGrantsInstanceResourcePolicyResult$;
exports.GetAccessGrantsInstanceResult$ = GetAccessGrantsInstanceResult$;
exports.GetAccessGrantsLocation$ = GetAccessGrantsLocation$;
exports.GetAccessGrantsLocationCommand = GetAccessGrantsLocationCommand;
exports.GetAccessGrantsLocationRequest$ = GetAccessGrantsLocationRequest$;
exports.GetAccessGrantsLocationResult$ = GetAccessGrantsLocationResult$;
exports.GetAccessPoint$ = GetAccessPoint$;
exports.GetAccessPointCommand = GetAccessPointCommand;
exports.GetAccessPointConfigurationForObjectLambda$ = GetAccessPointConfigurationForObjectLambda$;
exports.GetAccessPointConfigurationForObjectLambdaCommand = GetAccessPointConfigurationForObjectLambdaCommand;
exports.GetAccessPointConfigurationForObjectLambdaRequest$ = GetAccessPointConfigurationForObjectLambdaRequest$;
exports.GetAccessPointConfigurationForObjectLambdaResult$ = GetAccessPointConfigurationForObjectLambdaResult$;
exports.GetAccessPointForObjectLambda$ = GetAccessPointForObjectLambda$;
exports.GetAccessPointForObjectLambdaCommand = GetAccessPointForObjectLambdaCommand;
exports.GetAccessPointForObjectLambdaRequest$ = GetAccessPointForObjectLambdaRequest$;
exports.GetAccessPointForObjectLambdaResult$ = GetAccessPointForObjectLambdaResult$;
exports.GetAccessPointPolicy$ = GetAccessPointPolicy$;
exports.GetAccessPointPolicyCommand = GetAccessPointPolicyCommand;
exports.GetAccessPointPolicyForObjectLambda$ = GetAccessPointPolicyForObjectLambda$;
exports.GetAccessPointPolicyForObjectLambdaCommand = GetAccessPointPolicyForObjectLambdaCommand;
exports.GetAccessPointPolicyForObjectLambdaRequest$ = GetAccessPointPolicyForObjectLambdaRequest$;
exports.GetAccessPointPolicyForObjectLambdaResult$ = GetAccessPointPolicyForObjectLambdaResult$;
exports.GetAccessPointPolicyRequest$ = GetAccessPointPolicyRequest$;
exports.GetAccessPointPolicyResult$ = GetAccessPointPolicyResult$;
exports.GetAccessPointPolicyStatus$ = GetAccessPointPolicyStatus$;
exports.GetAccessPointPolicyStatusCommand = GetAccessPointPolicyStatusCommand;
exports.GetAccessPointPolicyStatusForObjectLambda$ = GetAccessPointPolicyStatusForObjectLambda$;
exports.GetAccessPointPolicyStatusForObjectLambdaCommand = GetAccessPointPolicyStatusForObjectLambdaCommand;
exports.GetAccessPointPolicyStatusForObjectLambdaRequest$ = GetAccessPointPolicyStatusForObjectLambdaRequest$;
exports.GetAccessPointPolicyStatusForObjectLambdaResult$ = GetAccessPointPolicyStatusForObjectLambdaResult$;
exports.GetAccessPointPolicyStatusRequest$ = GetAccessPointPolicyStatusRequest$;
exports.GetAccessPointPolicyStatusResult$ = GetAccessPointPolicyStatusResult$;
exports.GetAccessPointRequest$ = GetAccessPointRequest$;
exports.GetAccessPointResult$ = GetAccessPointResult$;
exports.GetAccessPointScope$ = GetAccessPointScope$;
exports.GetAccessPointScopeCommand = GetAccessPointScopeCommand;
exports.GetAccessPointScopeRequest$ = GetAccessPointScopeRequest$;
exports.GetAccessPointScopeResult$ = GetAccessPointScopeResult$;
exports.GetBucket$ = GetBucket$;
exports.GetBucketCommand = GetBucketCommand;
exports.GetBucketLifecycleConfiguration$ = GetBucketLifecycleConfiguration$;
exports.GetBucketLifecycleConfigurationCommand = GetBucketLifecycleConfigurationCommand;
exports.GetBucketLifecycleConfigurationRequest$ = GetBucketLifecycleConfigurationRequest$;
exports.GetBucketLifecycleConfigurationResult$ = GetBucketLifecycleConfigurationResult$;
exports.GetBucketPolicy$ = GetBucketPolicy$;
exports.GetBucketPolicyCommand = GetBucketPolicyCommand;
exports.GetBucketPolicyRequest$ = GetBucketPolicyRequest$;
exports.GetBucketPolicyResult$ = GetBucketPolicyResult$;
exports.GetBucketReplication$ = GetBucketReplication$;
exports.GetBucketReplicationCommand = GetBucketReplicationCommand;
exports.GetBucketReplicationRequest$ = GetBucketReplicationRequest$;
exports.GetBucketReplicationResult$ = GetBucketReplicationResult$;
exports.GetBucketRequest$ = GetBucketRequest$;
exports.GetBucketResult$ = GetBucketResult$;
exports.GetBucketTagging$ = GetBucketTagging$;
exports.GetBucketTaggingCommand = GetBucketTaggingCommand;
exports.GetBucketTaggingRequest$ = GetBucketTaggingRequest$;
exports.GetBucketTaggingResult$ = GetBucketTaggingResult$;
exports.GetBucketVersioning$ = GetBucketVersioning$;
exports.GetBucketVersioningCommand = GetBucketVersioningCommand;
exports.GetBucketVersioningRequest$ = GetBucketVersioningRequest$;
exports.GetBucketVersioningResult$ = GetBucketVersioningResult$;
exports.GetDataAccess$ = GetDataAccess$;
exports.GetDataAccessCommand = GetDataAccessCommand;
exports.GetDataAccessRequest$ = GetDataAccessRequest$;
exports.GetDataAccessResult$ = GetDataAccessResult$;
exports.GetJobTagging$ = GetJobTagging$;
exports.GetJobTaggingCommand = GetJobTaggingCommand;
exports.GetJobTaggingRequest$ = GetJobTaggingRequest$;
exports.GetJobTaggingResult$ = GetJobTaggingResult$;
exports.GetMultiRegionAccessPoint$ = GetMultiRegionAccessPoint$;
exports.GetMultiRegionAccessPointCommand = GetMultiRegionAccessPointCommand;
exports.GetMultiRegionAccessPointPolicy$ = GetMultiRegionAccessPointPolicy$;
exports.GetMultiRegionAccessPointPolicyCommand = GetMultiRegionAccessPointPolicyCommand;
exports.GetMultiRegionAccessPointPolicyRequest$ = GetMultiRegionAccessPointPolicyRequest$;
exports.GetMultiRegionAccessPointPolicyResult$ = GetMultiRegionAccessPointPolicyResult$;
exports.GetMultiRegionAccessPointPolicyStatus$ = GetMultiRegionAccessPointPolicyStatus$;
exports.GetMultiRegionAccessPointPolicyStatusCommand = GetMultiRegionAccessPointPolicyStatusCommand;
exports.GetMultiRegionAccessPointPolicyStatusRequest$ = GetMultiRegionAccessPointPolicyStatusRequest$;
exports.GetMultiRegionAccessPointPolicyStatusResult$ = GetMultiRegionAccessPointPolicyStatusResult$;
exports.GetMultiRegionAccessPointRequest$ = GetMultiRegionAccessPointRequest$;
exports.GetMultiRegionAccessPointResult$ = GetMultiRegionAccessPointResult$;
exports.GetMultiRegionAccessPointRoutes$ = GetMultiRegionAccessPointRoutes$;
exports.GetMultiRegionAccessPointRoutesCommand = GetMultiRegionAccessPointRoutesCommand;
exports.GetMultiRegionAccessPointRoutesRequest$ = GetMultiRegionAccessPointRoutesRequest$;
exports.GetMultiRegionAccessPointRoutesResult$ = GetMultiRegionAccessPointRoutesResult$;
exports.GetPublicAccessBlock$ = GetPublicAccessBlock$;
exports.GetPublicAccessBlockCommand = GetPublicAccessBlockCommand;
exports.GetPublicAccessBlockOutput$ = GetPublicAccessBlockOutput$;
exports.GetPublicAccessBlockRequest$ = GetPublicAccessBlockRequest$;
exports.GetStorageLensConfiguration$ = GetStorageLensConfiguration$;
exports.GetStorageLensConfigurationCommand = GetStorageLensConfigurationCommand;
exports.GetStorageLensConfigurationRequest$ = GetStorageLensConfigurationRequest$;
exports.GetStorageLensConfigurationResult$ = GetStorageLensConfigurationResult$;
exports.GetStorageLensConfigurationTagging$ = GetStorageLensConfigurationTagging$;
exports.GetStorageLensConfigurationTaggingCommand = GetStorageLensConfigurationTaggingCommand;
exports.GetStorageLensConfigurationTaggingRequest$ = GetStorageLensConfigurationTaggingRequest$;
exports.GetStorageLensConfigurationTaggingResult$ = GetStorageLensConfigurationTaggingResult$;
exports.GetStorageLensGroup$ = GetStorageLensGroup$;
exports.GetStorageLensGroupCommand = GetStorageLensGroupCommand;
exports.GetStorageLensGroupRequest$ = GetStorageLensGroupRequest$;
exports.GetStorageLensGroupResult$ = GetStorageLensGroupResult$;
exports.Grantee$ = Grantee$;
exports.GranteeType = GranteeType;
exports.IdempotencyException = IdempotencyException;
exports.IdempotencyException$ = IdempotencyException$;
exports.Include$ = Include$;
exports.InternalServiceException = InternalServiceException;
exports.InternalServiceException$ = InternalServiceException$;
exports.InvalidNextTokenException = InvalidNextTokenException;
exports.InvalidNextTokenException$ = InvalidNextTokenException$;
exports.InvalidRequestException = InvalidRequestException;
exports.InvalidRequestException$ = InvalidRequestException$;
exports.JobDescriptor$ = JobDescriptor$;
exports.JobFailure$ = JobFailure$;
exports.JobListDescriptor$ = JobListDescriptor$;
exports.JobManifest$ = JobManifest$;
exports.JobManifestFieldName = JobManifestFieldName;
exports.JobManifestFormat = JobManifestFormat;
exports.JobManifestGenerator$ = JobManifestGenerator$;
exports.JobManifestGeneratorFilter$ = JobManifestGeneratorFilter$;
exports.JobManifestLocation$ = JobManifestLocation$;
exports.JobManifestSpec$ = JobManifestSpec$;
exports.JobOperation$ = JobOperation$;
exports.JobProgressSummary$ = JobProgressSummary$;
exports.JobReport$ = JobReport$;
exports.JobReportFormat = JobReportFormat;
exports.JobReportScope = JobReportScope;
exports.JobStatus = JobStatus;
exports.JobStatusException = JobStatusException;
exports.JobStatusException$ = JobStatusException$;
exports.JobTimers$ = JobTimers$;
exports.KeyNameConstraint$ = KeyNameConstraint$;
exports.LambdaInvokeOperation$ = LambdaInvokeOperation$;
exports.LifecycleConfiguration$ = LifecycleConfiguration$;
exports.LifecycleExpiration$ = LifecycleExpiration$;
exports.LifecycleRule$ = LifecycleRule$;
exports.LifecycleRuleAndOperator$ = LifecycleRuleAndOperator$;
exports.LifecycleRuleFilter$ = LifecycleRuleFilter$;
exports.ListAccessGrantEntry$ = ListAccessGrantEntry$;
exports.ListAccessGrants$ = ListAccessGrants$;
exports.ListAccessGrantsCommand = ListAccessGrantsCommand;
exports.ListAccessGrantsInstanceEntry$ = ListAccessGrantsInstanceEntry$;
exports.ListAccessGrantsInstances$ = ListAccessGrantsInstances$;
exports.ListAccessGrantsInstancesCommand = ListAccessGrantsInstancesCommand;
exports.ListAccessGrantsInstancesRequest$ = ListAccessGrantsInstancesRequest$;
exports.ListAccessGrantsInstancesResult$ = ListAccessGrantsInstancesResult$;
exports.ListAccessGrantsLocations$ = ListAccessGrantsLocations$;
exports.ListAccessGrantsLocationsCommand = ListAccessGrantsLocationsCommand;
exports.ListAccessGrantsLocationsEntry$ = ListAccessGrantsLocationsEntry$;
exports.ListAccessGrantsLocationsRequest$ = ListAccessGrantsLocationsRequest$;
exports.ListAccessGrantsLocationsResult$ = ListAccessGrantsLocationsResult$;
exports.ListAccessGrantsRequest$ = ListAccessGrantsRequest$;
exports.ListAccessGrantsResult$ = ListAccessGrantsResult$;
exports.ListAccessPoints$ = ListAccessPoints$;
exports.ListAccessPointsCommand = ListAccessPointsCommand;
exports.ListAccessPointsForDirectoryBuckets$ = ListAccessPointsForDirectoryBuckets$;
exports.ListAccessPointsForDirectoryBucketsCommand = ListAccessPointsForDirectoryBucketsCommand;
exports.ListAccessPointsForDirectoryBucketsRequest$ = ListAccessPointsForDirectoryBucketsRequest$;
exports.ListAccessPointsForDirectoryBucketsResult$ = ListAccessPointsForDirectoryBucketsResult$;
exports.ListAccessPointsForObjectLambda$ = ListAccessPointsForObjectLambda$;
exports.ListAccessPointsForObjectLambdaCommand = ListAccessPointsForObjectLambdaCommand;
exports.ListAccessPointsForObjectLambdaRequest$ = ListAccessPointsForObjectLambdaRequest$;
exports.ListAccessPointsForObjectLambdaResult$ = ListAccessPointsForObjectLambdaResult$;
exports.ListAccessPointsRequest$ = ListAccessPointsRequest$;
exports.ListAccessPointsResult$ = ListAccessPointsResult$;
exports.ListCallerAccessGrants$ = ListCallerAccessGrants$;
exports.ListCallerAccessGrantsCommand = ListCallerAccessGrantsCommand;
exports.ListCallerAccessGrantsEntry$ = ListCallerAccessGrantsEntry$;
exports.ListCallerAccessGrantsRequest$ = ListCallerAccessGrantsRequest$;
exports.ListCallerAccessGrantsResult$ = ListCallerAccessGrantsResult$;
exports.ListJobs$ = ListJobs$;
exports.ListJobsCommand = ListJobsCommand;
exports.ListJobsRequest$ = ListJobsRequest$;
exports.ListJobsResult$ = ListJobsResult$;
exports.ListMultiRegionAccessPoints$ = ListMultiRegionAccessPoints$;
exports.ListMultiRegionAccessPointsCommand = ListMultiRegionAccessPointsCommand;
exports.ListMultiRegionAccessPointsRequest$ = ListMultiRegionAccessPointsRequest$;
exports.ListMultiRegionAccessPointsResult$ = ListMultiRegionAccessPointsResult$;
exports.ListRegionalBuckets$ = ListRegionalBuckets$;
exports.ListRegionalBucketsCommand = ListRegionalBucketsCommand;
exports.ListRegionalBucketsRequest$ = ListRegionalBucketsRequest$;
exports.ListRegionalBucketsResult$ = ListRegionalBucketsResult$;
exports.ListStorageLensConfigurationEntry$ = ListStorageLensConfigurationEntry$;
exports.ListStorageLensConfigurations$ = ListStorageLensConfigurations$;
exports.ListStorageLensConfigurationsCommand = ListStorageLensConfigurationsCommand;
exports.ListStorageLensConfigurationsRequest$ = ListStorageLensConfigurationsRequest$;
exports.ListStorageLensConfigurationsResult$ = ListStorageLensConfigurationsResult$;
exports.ListStorageLensGroupEntry$ = ListStorageLensGroupEntry$;
exports.ListStorageLensGroups$ = ListStorageLensGroups$;
exports.ListStorageLensGroupsCommand = ListStorageLensGroupsCommand;
exports.ListStorageLensGroupsRequest$ = ListStorageLensGroupsRequest$;
exports.ListStorageLensGroupsResult$ = ListStorageLensGroupsResult$;
exports.ListTagsForResource$ = ListTagsForResource$;
exports.ListTagsForResourceCommand = ListTagsForResourceCommand;
exports.ListTagsForResourceRequest$ = ListTagsForResourceRequest$;
exports.ListTagsForResourceResult$ = ListTagsForResourceResult$;
exports.MFADelete = MFADelete;
exports.MFADeleteStatus = MFADeleteStatus;
exports.MatchObjectAge$ = MatchObjectAge$;
exports.MatchObjectSize$ = MatchObjectSize$;
exports.Metrics$ = Metrics$;
exports.MetricsStatus = MetricsStatus;
exports.MultiRegionAccessPointPolicyDocument$ = MultiRegionAccessPointPolicyDocument$;
exports.MultiRegionAccessPointRegionalResponse$ = MultiRegionAccessPointRegionalResponse$;
exports.MultiRegionAccessPointReport$ = MultiRegionAccessPointReport$;
exports.MultiRegionAccessPointRoute$ = MultiRegionAccessPointRoute$;
exports.MultiRegionAccessPointStatus = MultiRegionAccessPointStatus;
exports.MultiRegionAccessPointsAsyncResponse$ = MultiRegionAccessPointsAsyncResponse$;
exports.NetworkOrigin = NetworkOrigin;
exports.NoSuchPublicAccessBlockConfiguration = NoSuchPublicAccessBlockConfiguration;
exports.NoSuchPublicAccessBlockConfiguration$ = NoSuchPublicAccessBlockConfiguration$;
exports.NoncurrentVersionExpiration$ = NoncurrentVersionExpiration$;
exports.NoncurrentVersionTransition$ = NoncurrentVersionTransition$;
exports.NotFoundException = NotFoundException;
exports.NotFoundException$ = NotFoundException$;
exports.NotSSEFilter$ = NotSSEFilter$;
exports.ObjectEncryption$ = ObjectEncryption$;
exports.ObjectEncryptionFilter$ = ObjectEncryptionFilter$;
exports.ObjectLambdaAccessPoint$ = ObjectLambdaAccessPoint$;
exports.ObjectLambdaAccessPointAlias$ = ObjectLambdaAccessPointAlias$;
exports.ObjectLambdaAccessPointAliasStatus = ObjectLambdaAccessPointAliasStatus;
exports.ObjectLambdaAllowedFeature = ObjectLambdaAllowedFeature;
exports.ObjectLambdaConfiguration$ = ObjectLambdaConfiguration$;
exports.ObjectLambdaContentTransformation$ = ObjectLambdaContentTransformation$;
exports.ObjectLambdaTransformationConfiguration$ = ObjectLambdaTransformationConfiguration$;
exports.ObjectLambdaTransformationConfigurationAction = ObjectLambdaTransformationConfigurationAction;
exports.OperationName = OperationName;
exports.OutputSchemaVersion = OutputSchemaVersion;
exports.OwnerOverride = OwnerOverride;
exports.Permission = Permission;
exports.PolicyStatus$ = PolicyStatus$;
exports.PrefixLevel$ = PrefixLevel$;
exports.PrefixLevelStorageMetrics$ = PrefixLevelStorageMetrics$;
exports.Privilege = Privilege;
exports.ProposedMultiRegionAccessPointPolicy$ = ProposedMultiRegionAccessPointPolicy$;
exports.PublicAccessBlockConfiguration$ = PublicAccessBlockConfiguration$;
exports.PutAccessGrantsInstanceResourcePolicy$ = PutAccessGrantsInstanceResourcePolicy$;
exports.PutAccessGrantsInstanceResourcePolicyCommand = PutAccessGrantsInstanceResourcePolicyCommand;
exports.PutAccessGrantsInstanceResourcePolicyRequest$ = PutAccessGrantsInstanceResourcePolicyRequest$;
exports.PutAccessGrantsInstanceResourcePolicyResult$ = PutAccessGrantsInstanceResourcePolicyResult$;
exports.PutAccessPointConfigurationForObjectLambda$ = PutAccessPointConfigurationForObjectLambda$;
exports.PutAccessPointConfigurationForObjectLambdaCommand = PutAccessPointConfigurationForObjectLambdaCommand;
exports.PutAccessPointConfigurationForObjectLambdaRequest$ = PutAccessPointConfigurationForObjectLambdaRequest$;
exports.PutAccessPointPolicy$ = PutAccessPointPolicy$;
exports.PutAccessPointPolicyCommand = PutAccessPointPolicyCommand;
exports.PutAccessPointPolicyForObjectLambda$ = PutAccessPointPolicyForObjectLambda$;
exports.PutAccessPointPolicyForObjectLambdaCommand = PutAccessPointPolicyForObjectLambdaCommand;
exports.PutAccessPointPolicyForObjectLambdaRequest$ = PutAccessPointPolicyForObjectLambdaRequest$;
exports.PutAccessPointPolicyRequest$ = PutAccessPointPolicyRequest$;
exports.PutAccessPointScope$ = PutAccessPointScope$;
exports.PutAccessPointScopeCommand = PutAccessPointScopeCommand;
exports.PutAccessPointScopeRequest$ = PutAccessPointScopeRequest$;
exports.PutBucketLifecycleConfiguration$ = PutBucketLifecycleConfiguration$;
exports.PutBucketLifecycleConfigurationCommand = PutBucketLifecycleConfigurationCommand;
exports.PutBucketLifecycleConfigurationRequest$ = PutBucketLifecycleConfigurationRequest$;
exports.PutBucketPolicy$ = PutBucketPolicy$;
exports.PutBucketPolicyCommand = PutBucketPolicyCommand;
exports.PutBucketPolicyRequest$ = PutBucketPolicyRequest$;
exports.PutBucketReplication$ = PutBucketReplication$;
exports.PutBucketReplicationCommand = PutBucketReplicationCommand;
exports.PutBucketReplicationRequest$ = PutBucketReplicationRequest$;
exports.PutBucketTagging$ = PutBucketTagging$;
exports.PutBucketTaggingCommand = PutBucketTaggingCommand;
exports.PutBucketTaggingRequest$ = PutBucketTaggingRequest$;
exports.PutBucketVersioning$ = PutBucketVersioning$;
exports.PutBucketVersioningCommand = PutBucketVersioningCommand;
exports.PutBucketVersioningRequest$ = PutBucketVersioningRequest$;
exports.PutJobTagging$ = PutJobTagging$;
exports.PutJobTaggingCommand = PutJobTaggingCommand;
exports.PutJobTaggingRequest$ = PutJobTaggingRequest$;
exports.PutJobTaggingResult$ = PutJobTaggingResult$;
exports.PutMultiRegionAccessPointPolicy$ = PutMultiRegionAccessPointPolicy$;
exports.PutMultiRegionAccessPointPolicyCommand = PutMultiRegionAccessPointPolicyCommand;
exports.PutMultiRegionAccessPointPolicyInput$ = PutMultiRegionAccessPointPolicyInput$;
exports.PutMultiRegionAccessPointPolicyRequest$ = PutMultiRegionAccessPointPolicyRequest$;
exports.PutMultiRegionAccessPointPolicyResult$ = PutMultiRegionAccessPointPolicyResult$;
exports.PutPublicAccessBlock$ = PutPublicAccessBlock$;
exports.PutPublicAccessBlockCommand = PutPublicAccessBlockCommand;
exports.PutPublicAccessBlockRequest$ = PutPublicAccessBlockRequest$;
exports.PutStorageLensConfiguration$ = PutStorageLensConfiguration$;
exports.PutStorageLensConfigurationCommand = PutStorageLensConfigurationCommand;
exports.PutStorageLensConfigurationRequest$ = PutStorageLensConfigurationRequest$;
exports.PutStorageLensConfigurationTagging$ = PutStorageLensConfigurationTagging$;
exports.PutStorageLensConfigurationTaggingCommand = PutStorageLensConfigurationTaggingCommand;
exports.PutStorageLensConfigurationTaggingRequest$ = PutStorageLensConfigurationTaggingRequest$;
exports.PutStorageLensConfigurationTaggingResult$ = PutStorageLensConfigurationTaggingResult$;
exports.Region$ = Region$;
exports.RegionReport$ = RegionReport$;
exports.RegionalBucket$ = RegionalBucket$;
exports.ReplicaModifications$ = ReplicaModifications$;
exports.ReplicaModificationsStatus = ReplicaModificationsStatus;
exports.ReplicationConfiguration$ = ReplicationConfiguration$;
exports.ReplicationRule$ = ReplicationRule$;
exports.ReplicationRuleAndOperator$ = ReplicationRuleAndOperator$;
exports.ReplicationRuleFilter$ = ReplicationRuleFilter$;
exports.ReplicationRuleStatus = ReplicationRuleStatus;
exports.ReplicationStatus = ReplicationStatus;
exports.ReplicationStorageClass = ReplicationStorageClass;
exports.ReplicationTime$ = ReplicationTime$;
exports.ReplicationTimeStatus = ReplicationTimeStatus;
exports.ReplicationTimeValue$ = ReplicationTimeValue$;
exports.RequestedJobStatus = RequestedJobStatus;
exports.S3AccessControlList$ = S3AccessControlList$;
exports.S3AccessControlPolicy$ = S3AccessControlPolicy$;
exports.S3BucketDestination$ = S3BucketDestination$;
exports.S3CannedAccessControlList = S3CannedAccessControlList;
exports.S3ChecksumAlgorithm = S3ChecksumAlgorithm;
exports.S3ComputeObjectChecksumOperation$ = S3ComputeObjectChecksumOperation$;
exports.S3Control = S3Control;
exports.S3ControlClient = S3ControlClient;
exports.S3ControlServiceException = S3ControlServiceException;
exports.S3ControlServiceException$ = S3ControlServiceException$;
exports.S3CopyObjectOperation$ = S3CopyObjectOperation$;
exports.S3DeleteObjectTaggingOperation$ = S3DeleteObjectTaggingOperation$;
exports.S3GeneratedManifestDescriptor$ = S3GeneratedManifestDescriptor$;
exports.S3GlacierJobTier = S3GlacierJobTier;
exports.S3Grant$ = S3Grant$;
exports.S3Grantee$ = S3Grantee$;
exports.S3GranteeTypeIdentifier = S3GranteeTypeIdentifier;
exports.S3InitiateRestoreObjectOperation$ = S3InitiateRestoreObjectOperation$;
exports.S3JobManifestGenerator$ = S3JobManifestGenerator$;
exports.S3ManifestOutputLocation$ = S3ManifestOutputLocation$;
exports.S3MetadataDirective = S3MetadataDirective;
exports.S3ObjectLockLegalHold$ = S3ObjectLockLegalHold$;
exports.S3ObjectLockLegalHoldStatus = S3ObjectLockLegalHoldStatus;
exports.S3ObjectLockMode = S3ObjectLockMode;
exports.S3ObjectLockRetentionMode = S3ObjectLockRetentionMode;
exports.S3ObjectMetadata$ = S3ObjectMetadata$;
exports.S3ObjectOwner$ = S3ObjectOwner$;
exports.S3Permission = S3Permission;
exports.S3PrefixType = S3PrefixType;
exports.S3ReplicateObjectOperation$ = S3ReplicateObjectOperation$;
exports.S3Retention$ = S3Retention$;
exports.S3SSEAlgorithm = S3SSEAlgorithm;
exports.S3SetObjectAclOperation$ = S3SetObjectAclOperation$;
exports.S3SetObjectLegalHoldOperation$ = S3SetObjectLegalHoldOperation$;
exports.S3SetObjectRetentionOperation$ = S3SetObjectRetentionOperation$;
exports.S3SetObjectTaggingOperation$ = S3SetObjectTaggingOperation$;
exports.S3StorageClass = S3StorageClass;
exports.S3Tag$ = S3Tag$;
exports.S3UpdateObjectEncryptionOperation$ = S3UpdateObjectEncryptionOperation$;
exports.S3UpdateObjectEncryptionSSEKMS$ = S3UpdateObjectEncryptionSSEKMS$;
exports.SSECFilter$ = SSECFilter$;
exports.SSEKMS$ = SSEKMS$;
exports.SSEKMSEncryption$ = SSEKMSEncryption$;
exports.SSEKMSFilter$ = SSEKMSFilter$;
exports.SSES3$ = SSES3$;
exports.SSES3Encryption$ = SSES3Encryption$;
exports.SSES3Filter$ = SSES3Filter$;
exports.Scope$ = Scope$;
exports.ScopePermission = ScopePermission;
exports.SelectionCriteria$ = SelectionCriteria$;
exports.SourceSelectionCriteria$ = SourceSelectionCriteria$;
exports.SseKmsEncryptedObjects$ = SseKmsEncryptedObjects$;
exports.SseKmsEncryptedObjectsStatus = SseKmsEncryptedObjectsStatus;
exports.StorageLensAwsOrg$ = StorageLensAwsOrg$;
exports.StorageLensConfiguration$ = StorageLensConfiguration$;
exports.StorageLensDataExport$ = StorageLensDataExport$;
exports.StorageLensDataExportEncryption$ = StorageLensDataExportEncryption$;
exports.StorageLensExpandedPrefixesDataExport$ = StorageLensExpandedPrefixesDataExport$;
exports.StorageLensGroup$ = StorageLensGroup$;
exports.StorageLensGroupAndOperator$ = StorageLensGroupAndOperator$;
exports.StorageLensGroupFilter$ = StorageLensGroupFilter$;
exports.StorageLensGroupLevel$ = StorageLensGroupLevel$;
exports.StorageLensGroupLevelSelectionCriteria$ = StorageLensGroupLevelSelectionCriteria$;
exports.StorageLensGroupOrOperator$ = StorageLensGroupOrOperator$;
exports.StorageLensTableDestination$ = StorageLensTableDestination$;
exports.StorageLensTag$ = StorageLensTag$;
exports.SubmitMultiRegionAccessPointRoutes$ = SubmitMultiRegionAccessPointRoutes$;
exports.SubmitMultiRegionAccessPointRoutesCommand = SubmitMultiRegionAccessPointRoutesCommand;
exports.SubmitMultiRegionAccessPointRoutesRequest$ = SubmitMultiRegionAccessPointRoutesRequest$;
exports.SubmitMultiRegionAccessPointRoutesResult$ = SubmitMultiRegionAccessPointRoutesResult$;
exports.Tag$ = Tag$;
exports.TagResource$ = TagResource$;
exports.TagResourceCommand = TagResourceCommand;
exports.TagResourceRequest$ = TagResourceRequest$;
exports.TagResourceResult$ = TagResourceResult$;
exports.Tagging$ = Tagging$;
exports.TooManyRequestsException = TooManyRequestsException;
exports.TooManyRequestsException$ = TooManyRequestsException$;
exports.TooManyTagsException = TooManyTagsException;
exports.TooManyTagsException$ = TooManyTagsException$;
exports.Transition$ = Transition$;
exports.TransitionStorageClass = TransitionStorageClass;
exports.UntagResource$ = UntagResource$;
exports.UntagResourceCommand = UntagResourceCommand;
exports.UntagResourceRequest$ = UntagResourceRequest$;
exports.UntagResourceResult$ = UntagResourceResult$;
exports.UpdateAccessGrantsLocation$ = UpdateAccessGrantsLocation$;
exports.UpdateAccessGrantsLocationCommand = UpdateAccessGrantsLocationCommand;
exports.UpdateAccessGrantsLocationRequest$ = UpdateAccessGrantsLocationRequest$;
exports.UpdateAccessGrantsLocationResult$ = UpdateAccessGrantsLocationResult$;
exports.UpdateJobPriority$ = UpdateJobPriority$;
exports.UpdateJobPriorityCommand = UpdateJobPriorityCommand;
exports.UpdateJobPriorityRequest$ = UpdateJobPriorityRequest$;
exports.UpdateJobPriorityResult$ = UpdateJobPriorityResult$;
exports.UpdateJobStatus$ = UpdateJobStatus$;
exports.UpdateJobStatusCommand = UpdateJobStatusCommand;
exports.UpdateJobStatusRequest$ = UpdateJobStatusRequest$;
exports.UpdateJobStatusResult$ = UpdateJobStatusResult$;
exports.UpdateStorageLensGroup$ = UpdateStorageLensGroup$;
exports.UpdateStorageLensGroupCommand = UpdateStorageLensGroupCommand;
exports.UpdateStorageLensGroupRequest$ = UpdateStorageLensGroupRequest$;
exports.VersioningConfiguration$ = VersioningConfiguration$;
exports.VpcConfiguration$ = VpcConfiguration$;
exports._Exclude$ = _Exclude$;
exports.errorTypeRegistries = errorTypeRegistries;
exports.paginateListAccessGrants = paginateListAccessGrants;
exports.paginateListAccessGrantsInstances = paginateListAccessGrantsInstances;
exports.paginateListAccessGrantsLocations = paginateListAccessGrantsLocations;
exports.paginateListAccessPoints = paginateListAccessPoints;
exports.paginateListAccessPointsForDirectoryBuckets = paginateListAccessPointsForDirectoryBuckets;
exports.paginateListAccessPointsForObjectLambda = paginateListAccessPointsForObjectLambda;
exports.paginateListCallerAccessGrants = paginateListCallerAccessGrants;
exports.paginateListJobs = paginateListJobs;
exports.paginateListMultiRegionAccessPoints = paginateListMultiRegionAccessPoints;
exports.paginateListRegionalBuckets = paginateListRegionalBuckets;
exports.paginateListStorageLensConfigurations = paginateListStorageLensConfigurations;
exports.paginateListStorageLensGroups = paginateListStorageLensGroups;


/***/ }),

/***/ 6108:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

const { validateOutpostService, validatePartition, validateAccountId, getArnResources } = __webpack_require__(5028);
const { partition } = __webpack_require__(5152);
const { validate, parse } = __webpack_require__(519);
const { HttpRequest } = __webpack_require__(3422);

function resolveS3ControlConfig(input) {
    const { useArnRegion } = input;
    return Object.assign(input, {
        useArnRegion: typeof useArnRegion === "function" ? useArnRegion : () => Promise.resolve(useArnRegion),
    });
}

const CONTEXT_OUTPOST_ID = "outpost_id";
const CONTEXT_ACCOUNT_ID = "account_id";
const CONTEXT_ARN_REGION = "outpost_arn_region";
const CONTEXT_SIGNING_SERVICE = "signing_service";
const CONTEXT_SIGNING_REGION = "signing_region";

const parseOutpostArnablesMiddleaware = (options) => (next, context) => async (args) => {
    const { input } = args;
    const parameter = input.Name && validate(input.Name) ? "Name" : input.Bucket && validate(input.Bucket) ? "Bucket" : undefined;
    if (!parameter) {
        return next(args);
    }
    const clientRegion = await options.region();
    const useArnRegion = await options.useArnRegion();
    const useFipsEndpoint = await options.useFipsEndpoint();
    const useDualstackEndpoint = await options.useDualstackEndpoint();
    const baseRegion = clientRegion;
    let clientPartition;
    let signingRegion;
    if (options.regionInfoProvider) {
        ({ partition: clientPartition, signingRegion = baseRegion } = (await options.regionInfoProvider(baseRegion, {
            useFipsEndpoint,
            useDualstackEndpoint,
        })));
    }
    else {
        signingRegion = context.endpointV2?.properties?.authSchemes?.[0]?.signingRegion || baseRegion;
        clientPartition = partition(signingRegion).name;
    }
    const validatorOptions = {
        clientPartition};
    let arn;
    if (parameter === "Name") {
        arn = parse(input.Name);
        validateOutpostsArn(arn, validatorOptions);
        const { outpostId, accesspointName } = parseOutpostsAccessPointArnResource(arn.resource);
        input.Name = accesspointName;
        context[CONTEXT_OUTPOST_ID] = outpostId;
    }
    else {
        arn = parse(input.Bucket);
        validateOutpostsArn(arn, validatorOptions);
        const { outpostId, bucketName } = parseOutpostBucketArnResource(arn.resource);
        input.Bucket = bucketName;
        context[CONTEXT_OUTPOST_ID] = outpostId;
    }
    context[CONTEXT_SIGNING_SERVICE] = arn.service;
    context[CONTEXT_SIGNING_REGION] = useArnRegion ? arn.region : signingRegion;
    if (!input.AccountId) {
        input.AccountId = arn.accountId;
    }
    if (useArnRegion) {
        context[CONTEXT_ARN_REGION] = arn.region;
    }
    return next(args);
};
const parseOutpostArnablesMiddleawareOptions = {
    toMiddleware: "serializerMiddleware",
    relation: "before",
    tags: ["CONVERT_ARN", "OUTPOST_BUCKET_ARN", "OUTPOST_ACCESS_POINT_ARN", "OUTPOST"],
    name: "parseOutpostArnablesMiddleaware",
};
const validateOutpostsArn = (arn, { clientPartition }) => {
    const { service, partition, accountId, region } = arn;
    validateOutpostService(service);
    validatePartition(partition, { clientPartition });
    validateAccountId(accountId);
};
const parseOutpostsAccessPointArnResource = (resource) => {
    const { outpostId, accesspointName } = getArnResources(resource);
    if (!outpostId) {
        throw new Error("ARN resource should begin with 'outpost'");
    }
    return {
        outpostId,
        accesspointName,
    };
};
const parseOutpostBucketArnResource = (resource) => {
    const delimiter = resource.includes(":") ? ":" : "/";
    const [resourceType, ...rest] = resource.split(delimiter);
    if (resourceType === "outpost") {
        if (!rest[0] || rest[1] !== "bucket" || !rest[2] || rest.length !== 3) {
            throw new Error(`Outpost Bucket ARN should have resource outpost${delimiter}{outpostId}${delimiter}bucket${delimiter}{bucketName}`);
        }
        const [outpostId, _, bucketName] = rest;
        return { outpostId, bucketName };
    }
    else {
        throw new Error(`ARN resource should begin with 'outpost${delimiter}'`);
    }
};

const REGEX_S3CONTROL_HOSTNAME = /^(.+\.)?s3-control(-fips)?[.-]([a-z0-9-]+)\./;
const getOutpostEndpoint = (hostname, { isCustomEndpoint, regionOverride, useFipsEndpoint }) => {
    if (isCustomEndpoint) {
        return hostname;
    }
    const match = hostname.match(REGEX_S3CONTROL_HOSTNAME);
    if (!match) {
        return hostname;
    }
    const [matched, prefix, fips, region] = hostname.match(REGEX_S3CONTROL_HOSTNAME);
    return [
        `s3-outposts${useFipsEndpoint ? "-fips" : ""}`,
        regionOverride || region,
        hostname.replace(new RegExp(`^${matched}`), ""),
    ]
        .filter((part) => part !== undefined)
        .join(".");
};

const ACCOUNT_ID_HEADER = "x-amz-account-id";
const OUTPOST_ID_HEADER = "x-amz-outpost-id";
const updateArnablesRequestMiddleware = (config) => (next, context) => async (args) => {
    const { request } = args;
    if (!HttpRequest.isInstance(request)) {
        return next(args);
    }
    if (context[CONTEXT_ACCOUNT_ID]) {
        request.headers[ACCOUNT_ID_HEADER] = context[CONTEXT_ACCOUNT_ID];
    }
    if (context[CONTEXT_OUTPOST_ID]) {
        const { isCustomEndpoint } = config;
        const useFipsEndpoint = await config.useFipsEndpoint();
        request.headers[OUTPOST_ID_HEADER] = context[CONTEXT_OUTPOST_ID];
        request.hostname = getOutpostEndpoint(request.hostname, {
            isCustomEndpoint,
            regionOverride: context[CONTEXT_ARN_REGION],
            useFipsEndpoint,
        });
    }
    return next(args);
};
const updateArnablesRequestMiddlewareOptions = {
    toMiddleware: "serializerMiddleware",
    relation: "after",
    name: "updateArnablesRequestMiddleware",
    tags: ["ACCOUNT_ID", "OUTPOST_ID", "OUTPOST"],
};

const getProcessArnablesPlugin = (options) => ({
    applyToStack: (clientStack) => {
        clientStack.addRelativeTo(parseOutpostArnablesMiddleaware(options), parseOutpostArnablesMiddleawareOptions);
        clientStack.addRelativeTo(updateArnablesRequestMiddleware(options), updateArnablesRequestMiddlewareOptions);
    },
});

const hostPrefixDeduplicationMiddleware = () => {
    return (next, context) => (args) => {
        return next(args);
    };
};
const hostPrefixDeduplicationMiddlewareOptions = {
    tags: ["HOST_PREFIX_DEDUPLICATION", "ENDPOINT_V2", "ENDPOINT"],
    toMiddleware: "serializerMiddleware",
    relation: "after",
    name: "hostPrefixDeduplicationMiddleware",
    override: true,
};
const getHostPrefixDeduplicationPlugin = (config) => ({
    applyToStack: (clientStack) => {
        clientStack.addRelativeTo(hostPrefixDeduplicationMiddleware(), hostPrefixDeduplicationMiddlewareOptions);
    },
});

const redirectFromPostIdMiddleware = (config) => (next, context) => async (args) => {
    const { input, request } = args;
    if (!HttpRequest.isInstance(request)) {
        return next(args);
    }
    if (input.OutpostId) {
        const { isCustomEndpoint } = config;
        const useFipsEndpoint = await config.useFipsEndpoint();
        request.hostname = getOutpostEndpoint(request.hostname, { isCustomEndpoint, useFipsEndpoint });
        context[CONTEXT_SIGNING_SERVICE] = "s3-outposts";
    }
    return next(args);
};
const redirectFromPostIdMiddlewareOptions = {
    step: "build",
    name: "redirectFromPostIdMiddleware",
    tags: ["OUTPOST"],
    override: true,
};
const getRedirectFromPostIdPlugin = (options) => ({
    applyToStack: (clientStack) => {
        clientStack.add(redirectFromPostIdMiddleware(options), redirectFromPostIdMiddlewareOptions);
    },
});

exports.getHostPrefixDeduplicationPlugin = getHostPrefixDeduplicationPlugin;
exports.getOutpostEndpoint = getOutpostEndpoint;
exports.getProcessArnablesPlugin = getProcessArnablesPlugin;
exports.getRedirectFromPostIdPlugin = getRedirectFromPostIdPlugin;
exports.hostPrefixDeduplicationMiddleware = hostPrefixDeduplicationMiddleware;
exports.hostPrefixDeduplicationMiddlewareOptions = hostPrefixDeduplicationMiddlewareOptions;
exports.parseOutpostArnablesMiddleaware = parseOutpostArnablesMiddleaware;
exports.parseOutpostArnablesMiddleawareOptions = parseOutpostArnablesMiddleawareOptions;
exports.redirectFromPostIdMiddleware = redirectFromPostIdMiddleware;
exports.redirectFromPostIdMiddlewareOptions = redirectFromPostIdMiddlewareOptions;
exports.resolveS3ControlConfig = resolveS3ControlConfig;
exports.updateArnablesRequestMiddleware = updateArnablesRequestMiddleware;
exports.updateArnablesRequestMiddlewareOptions = updateArnablesRequestMiddlewareOptions;


/***/ }),

/***/ 3415:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

const { isArrayBuffer, hasOwn } = __webpack_require__(2430);
const { HttpRequest } = __webpack_require__(3422);

const applyMd5BodyChecksumMiddleware = (options) => (next) => async (args) => {
    const { request } = args;
    if (HttpRequest.isInstance(request)) {
        const { body, headers } = request;
        if (!hasHeader("content-md5", headers)) {
            let digest;
            if (body === undefined || typeof body === "string" || ArrayBuffer.isView(body) || isArrayBuffer(body)) {
                const hash = new options.md5();
                hash.update(body || "");
                digest = hash.digest();
            }
            else {
                digest = options.streamHasher(options.md5, body);
            }
            const cloned = HttpRequest.clone(request);
            cloned.headers = {
                ...headers,
                "content-md5": options.base64Encoder(await digest),
            };
            return next({
                ...args,
                request: cloned,
            });
        }
    }
    return next(args);
};
const applyMd5BodyChecksumMiddlewareOptions = {
    name: "applyMd5BodyChecksumMiddleware",
    step: "build",
    tags: ["SET_CONTENT_MD5", "BODY_CHECKSUM"],
    override: true,
};
const getApplyMd5BodyChecksumPlugin = (config) => ({
    applyToStack: (clientStack) => {
        clientStack.add(applyMd5BodyChecksumMiddleware(config), applyMd5BodyChecksumMiddlewareOptions);
    },
});
const hasHeader = (soughtHeader, headers) => {
    soughtHeader = soughtHeader.toLowerCase();
    for (const headerName in headers) {
        if (!hasOwn(headers, headerName))
            continue;
        if (soughtHeader === headerName.toLowerCase()) {
            return true;
        }
    }
    return false;
};

const resolveMd5BodyChecksumConfig = (input) => input;

exports.applyMd5BodyChecksumMiddleware = applyMd5BodyChecksumMiddleware;
exports.applyMd5BodyChecksumMiddlewareOptions = applyMd5BodyChecksumMiddlewareOptions;
exports.getApplyMd5BodyChecksumPlugin = getApplyMd5BodyChecksumPlugin;
exports.resolveMd5BodyChecksumConfig = resolveMd5BodyChecksumConfig;


/***/ })

};

//# sourceMappingURL=619.index.js.map