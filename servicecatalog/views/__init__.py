"""The catalogue's pages, one module per part: the catalogue and its services
(`catalogue`), the system map and integrations (`systemmap`, written out by `mapmarkup`),
and the management plans, suppliers, contracts and licences (`plans`, `contracts`)."""
