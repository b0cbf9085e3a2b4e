package io.switchboard.provider.bedrock;

import io.switchboard.provider.ModelIds;

/** Bedrock Runtime paths. The model id is one path segment, so ':' and '/' (in ARNs) are percent-encoded. */
final class BedrockPaths {
  private BedrockPaths() {}

  /**
   * The model id as the AWS SDKs put it in a path label: RFC 3986 unreserved characters kept, all else
   * encoded (so an ARN's ':' and '/' too); ids that cannot name a model are refused.
   */
  static String modelId(String modelId) {
    return ModelIds.pathSegment(modelId);
  }

  static String converse(String modelId, boolean stream) {
    return "/model/" + modelId(modelId) + (stream ? "/converse-stream" : "/converse");
  }

  static String invoke(String modelId) {
    return "/model/" + modelId(modelId) + "/invoke";
  }
}
