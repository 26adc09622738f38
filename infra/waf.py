"""AWS WAF web ACLs: a per-IP rate rule and AWS's managed common rule set.

The same rules stand at CloudFront (scope ``CLOUDFRONT``, which AWS keeps in
us-east-1: the edge stack) and in front of the API stage (``REGIONAL``), so the
API's own address is no way around them.
"""

from __future__ import annotations

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _managed(name: str, priority: int, count: tuple[str, ...] = ()) -> wafv2.CfnWebACL.RuleProperty:
    """A managed rule group; the rules in ``count`` only count (they would block good requests)."""
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name=name,
                rule_action_overrides=[
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                    )
                    for rule in count
                ]
                or None,
            )
        ),
        visibility_config=_visibility(name),
    )


def web_acl(scope: Construct, id: str, *, name: str, waf_scope: str, rate: int) -> wafv2.CfnWebACL:
    """``rate``: requests per client IP in any 5 minutes before WAF answers 403."""
    return wafv2.CfnWebACL(
        scope,
        id,
        name=name,
        scope=waf_scope,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        visibility_config=_visibility(name),
        rules=[
            wafv2.CfnWebACL.RuleProperty(
                name="rate-per-ip",
                priority=0,
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=rate, aggregate_key_type="IP", evaluation_window_sec=300
                    )
                ),
                visibility_config=_visibility("rate-per-ip"),
            ),
            # A hospital's settlement of a long stay is more than the rule's 8 KB; the
            # API's schemas bound every field and the body, so the size rule only counts.
            _managed("AWSManagedRulesCommonRuleSet", 1, count=("SizeRestrictions_BODY",)),
            _managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
        ],
    )
