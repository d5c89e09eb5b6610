"""The catalogue's pages, one module per part: the catalogue and its services
(`catalogue`), the system map and integrations (`systemmap`, laid out by
`servicecatalog.maplayout` and drawn through `servicecatalog.mapdrawing`), and the
management plans, suppliers, contracts and licences (`plans`, `contracts`)."""
