package schema

// Stage is one OpportunityStage: the picklist value of StageName and what
// it implies for IsWon, IsClosed, Probability and ForecastCategoryName.
type Stage struct {
	Name                 string
	IsClosed, IsWon      bool
	DefaultProbability   float64
	ForecastCategoryName string
}

// Stages is Salesforce's default OpportunityStage list, in sales order.
var Stages = []Stage{
	{Name: "Prospecting", DefaultProbability: 10, ForecastCategoryName: "Pipeline"},
	{Name: "Qualification", DefaultProbability: 10, ForecastCategoryName: "Pipeline"},
	{Name: "Needs Analysis", DefaultProbability: 20, ForecastCategoryName: "Pipeline"},
	{Name: "Value Proposition", DefaultProbability: 50, ForecastCategoryName: "Pipeline"},
	{Name: "Id. Decision Makers", DefaultProbability: 60, ForecastCategoryName: "Pipeline"},
	{Name: "Perception Analysis", DefaultProbability: 70, ForecastCategoryName: "Pipeline"},
	{Name: "Proposal/Price Quote", DefaultProbability: 75, ForecastCategoryName: "Pipeline"},
	{Name: "Negotiation/Review", DefaultProbability: 90, ForecastCategoryName: "Pipeline"},
	{Name: "Closed Won", IsClosed: true, IsWon: true, DefaultProbability: 100, ForecastCategoryName: "Closed"},
	{Name: "Closed Lost", IsClosed: true, DefaultProbability: 0, ForecastCategoryName: "Omitted"},
}

// StageNamed finds a stage by its exact name.
func StageNamed(name string) (Stage, bool) {
	for _, s := range Stages {
		if s.Name == name {
			return s, true
		}
	}
	return Stage{}, false
}

func stageNames() []string {
	names := make([]string, len(Stages))
	for i, s := range Stages {
		names[i] = s.Name
	}
	return names
}

// CorporateCurrency is the org's corporate currency; Currencies are all the
// active currencies of this multi-currency org.
const CorporateCurrency = "USD"

// Currencies are the active currency ISO codes.
var Currencies = []string{"USD", "EUR", "GBP"}
