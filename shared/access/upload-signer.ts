/**
 * Issues a URL a client can PUT one file to directly: an S3 presigned URL in the cloud (so uploads bypass
 * API Gateway's 10 MB limit). Locally there is no signer; the API accepts the PUT itself.
 */
export interface UploadUrlSigner {
  presignPut(
    key: string,
    options: { contentType: string; contentLength: number; expiresInSeconds: number },
  ): Promise<string>;
}
