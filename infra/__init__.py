"""The AWS CDK app (Python): ``make synth`` builds the templates, ``make deploy`` ships them."""
