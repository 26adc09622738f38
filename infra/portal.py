"""The portal on S3 + CloudFront, with ``/v1/*`` sent to API Gateway: one origin for
the browser (no CORS), compressed, security headers on every answer, WAF in front."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from infra import not_found, security_headers
from infra.nag import cdk_singleton, justify
from infra.stages import ROOT, Stage

FRONTEND = ROOT / "frontend"
LOCAL_ONLY = ["outbox.html", "assets/outbox.js"]  # the demo's SMS outbox: make run only


class Portal(Construct):
    def __init__(
        self, scope: Construct, id: str, stage: Stage, api_domain: str, web_acl_arn: str
    ) -> None:
        super().__init__(scope, id)
        self.logs = self._bucket(
            "Logs",
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,  # CloudFront writes with ACLs
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(stage.log_retention_days))],
        )
        justify(
            self.logs,
            {
                "AwsSolutions-S1": "This is the access-log bucket itself.",
            },
        )
        self.bucket = self._bucket(
            "Files",
            versioned=True,  # a bad portal release is rolled back object by object
            server_access_logs_bucket=self.logs,
            server_access_logs_prefix="s3/",
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            response_headers_policy_name=stage.resource_name("security-headers"),
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=security_headers.CONTENT_SECURITY_POLICY,
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(security_headers.HSTS_SECONDS),
                    include_subdomains=True,
                    override=True,
                ),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
            ),
        )
        api = cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin(
                api_domain,
                origin_path=f"/{stage.name}",
                protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            ),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=headers,
            compress=True,
        )
        # An unknown address: the portal's 404 page, not S3's error (not_found.py).
        page = cloudfront.Function(
            self,
            "NotFoundPage",
            code=cloudfront.FunctionCode.from_inline(
                not_found.function_code(not_found.shipped_files(FRONTEND, LOCAL_ONLY))
            ),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="Unknown addresses get the portal's 404 page",
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Cdn",
            comment=f"Yibao {stage.name}: portal and /v1/* API",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
                function_associations=[
                    cloudfront.FunctionAssociation(function=page, event_type=event)
                    for event in (
                        cloudfront.FunctionEventType.VIEWER_REQUEST,
                        cloudfront.FunctionEventType.VIEWER_RESPONSE,
                    )
                ],
            ),
            additional_behaviors={"/v1/*": api},
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,  # includes mainland-near Asia
            web_acl_id=web_acl_arn,
            enable_logging=True,
            log_bucket=self.logs,
            log_file_prefix="cloudfront/",
        )
        justify(
            self.distribution,
            {
                "AwsSolutions-CFR1": "No geo restriction: insured people living or treated abroad "
                "(remote care) use the portal too; WAF's rate rule limits abuse.",
                "AwsSolutions-CFR4": "The default *.cloudfront.net certificate until the stage's "
                "domain and ACM certificate exist; with them the distribution takes "
                "minimum_protocol_version TLSv1.2_2021 (README: deploying).",
            },
        )
        self._deploy_files(stage)

    def _bucket(self, id: str, **kw: Any) -> s3.Bucket:
        """Private, encrypted, TLS only; kept when the stack goes (static files and logs)."""
        return s3.Bucket(
            self,
            id,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
            **kw,
        )

    def _deploy_files(self, stage: Stage) -> None:
        """Copy frontend/ to the bucket and invalidate the CDN, with a role written here."""
        files = s3_assets.Asset(self, "FilesAsset", path=str(FRONTEND), exclude=LOCAL_ONLY)
        stack = Stack.of(self)
        log_group = logs.LogGroup(
            self,
            "DeployLogs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            "DeployRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            inline_policies={
                "deploy": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=["s3:GetObject"],
                            resources=[files.bucket.arn_for_objects(files.s3_object_key)],
                        ),
                        iam.PolicyStatement(
                            actions=["s3:ListBucket"], resources=[self.bucket.bucket_arn]
                        ),
                        iam.PolicyStatement(
                            actions=["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                            resources=[self.bucket.arn_for_objects("*")],
                        ),
                        iam.PolicyStatement(
                            actions=["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
                            resources=[
                                stack.format_arn(
                                    service="cloudfront",
                                    region="",
                                    resource="distribution",
                                    resource_name=self.distribution.distribution_id,
                                )
                            ],
                        ),
                        iam.PolicyStatement(
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[log_group.log_group_arn],
                        ),
                    ]
                )
            },
        )
        bucket_arn = stack.get_logical_id(self.bucket.node.default_child)
        justify(
            role,
            {
                f"AwsSolutions-IAM5[Resource::<{bucket_arn}.Arn>/*]": "Copying the portal "
                "replaces the files of the portal bucket (static public content, no personal "
                "data): every object of that one bucket.",
            },
        )
        s3_deployment.BucketDeployment(
            self,
            "Deploy",
            sources=[s3_deployment.Source.bucket(files.bucket, files.s3_object_key)],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            prune=True,
            memory_limit=256,
            role=iam.Role.from_role_arn(self, "DeployRoleRef", role.role_arn, mutable=False),
            log_group=log_group,
        )
        justify(
            cdk_singleton(self, "Custom::CDKBucketDeployment"),
            {
                "AwsSolutions-L1": "The CDK's own copy function: its runtime is the one this "
                "pinned aws-cdk-lib was tested with, and it runs only during a deploy.",
            },
        )
