"""Synthetic demo organization: a deterministic, realistic company of N people
(departments, nested teams, a reporting tree, systems, processes with steps and
policy articles) produced as a `graph.model.Batch`, with no Neo4j involved.

`generate(people=500, seed=42)` always returns the same Batch for the same
arguments, so docs, demo questions and tests can rely on named fixtures:

- Person "Ana Costa" (`ana-costa`) leads the "Risk Data" team (`risk-data`)
  in the Risk department (`risk`);
- the "Payments" department (`payments`) has a "Ledger" team (`ledger`) that
  owns the "Ledger Service" system (`ledger-service`); "Payouts API"
  (`payouts-api`) and "Risk Scoring Engine" (`risk-scoring-engine`) exist;
- processes `launch-an-internal-system`, `onboard-a-new-employee`,
  `expense-reimbursement`, ... each with steps `<process-key>.step-<n>`;
- the "Expense policy" topic (`expense-policy`) is owned by a Finance team.

Shape: a CEO leads the "Executive Office" team; each department has a head
(LEADS the department and its "<Department> Leadership" team, reports to the
CEO) and 1-3 levels of teams below it. Every person is MEMBER_OF exactly one
team; every team's lead is one of its members and reports to the lead of the
unit above, members report to their team lead, so REPORTS_TO is a tree rooted
at the CEO. Systems (about one per five people, at least 20) each have one
owning team and DEPENDS_ON only systems generated before them, so the
dependency graph is acyclic by construction.

Everything is built with one `random.Random(seed)` consumed in a fixed order;
do not iterate over sets or unordered dicts here, or determinism breaks.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from graph.model import Batch, Edge, Entity, name_key, slugify_key
from graph.page_urls import page_url
from kiki.errors import InvalidInput

SOURCE = "synthetic"
EMAIL_DOMAIN = "kiki-demo.example"
MIN_PEOPLE = 30
MAX_PEOPLE = 50_000

# --- names: a few hundred of each, from many cultures, paired freely as in a
# multinational company. Diacritics are kept in names and folded in keys/emails.
FIRST_NAMES = """
Ana Beatriz Carla Daniela Fernanda Gabriela Helena Isabela Joana Larissa Mariana Patrícia Rafaela Sofia
Tatiana Vitória João Pedro Miguel Tiago Rodrigo Bruno Carlos Diego Eduardo Felipe Gustavo Henrique
Lucas Mateus Rafael Sérgio Alejandro Javier Lucía Carmen Pilar Rocío Marta Elena Pablo Álvaro Andrés
Emma Olivia Charlotte Amelia Grace Hannah Emily Chloe Lucy Alice Jack Oliver Harry George Thomas
James William Henry Samuel Daniel Matthew Andrew David Michael Sarah Rachel Laura Rebecca Jessica
Priya Ananya Aditi Kavya Deepika Lakshmi Meera Neha Pooja Shreya Arjun Rohan Vikram Rahul Aarav Ishaan
Karthik Siddharth Nikhil Sanjay Anil Ravi Suresh Wei Li Jing Xiu Mei Lin Hui Yan Jun Hao Ming Lei Tao Bo
Yuki Haruto Sota Ren Aoi Hina Sakura Yui Kenji Takeshi Hiroshi Akira Naoko Emi Minjun Seojun Jiwoo
Hyun Jisoo Minji Seoyeon Eunji Chidi Emeka Ngozi Chiamaka Adaeze Obinna Tunde Adebayo Funmilayo Yetunde
Oluwaseun Kemi Amara Zainab Kwame Kofi Ama Abena Yaw Akosua Wanjiru Achieng Otieno Kamau Amina Baraka
Imani Neema Abebe Tigist Selam Dawit Hana Mohammed Ahmed Omar Ali Yusuf Hassan Layla Fatima Aisha Mariam
Nour Rania Yasmin Karim Tariq Samir Emre Mehmet Elif Zeynep Ayşe Can Deniz Burak Selin Kerem Darius Reza
Parisa Shirin Arash Niloufar Leila Cyrus Noa Yael Tamar Eitan Yonatan Avi Maya Lior Katarzyna Agnieszka
Magdalena Tomasz Piotr Krzysztof Michał Paweł Zofia Julia Lukas Jonas Leon Felix Maximilian Anna Lena
Mia Hannes Greta Camille Léa Manon Chloé Inès Louis Hugo Théo Antoine Mathilde Giulia Francesca Chiara
Alessandro Lorenzo Matteo Federico Giorgia Martina Lars Erik Anders Ingrid Astrid Freya Sven Nils Sigrid
Linnea Oskar Mikkel Thi Linh Minh Quang Thanh Huong Anh Trang Duc Jose Maria Mark Paolo Angelica Kristine
Carlo Bea Dmitri Olga Natalia Ivan Sergei Anastasia Yelena Nikolai Svetlana Dimitris Eleni Nikos Katerina
Giorgos Sophia Aoife Siobhan Ciaran Niamh Cian Saoirse Declan Roisin Daan Sanne Femke Bram Lotte Thijs
Isla Finn Rowan Nia Malik Jamal Keisha Tyrone Aaliyah Andre Jasmine Marcus Imogen Esme Florence Arthur
Kai Leilani Keanu Ayesha Bilal Hamza Sana Fahad Noor Farhan Rashid Tenzin Pema Aroha Mateo Valentina
Camila Santiago Sebastián Ximena Renata Emiliano Ximena Guadalupe Ingrid Björn Kaito Sora Yerlan Aigerim
""".split()
FIRST_NAMES = list(dict.fromkeys(FIRST_NAMES))

LAST_NAMES = """
Costa Silva Santos Oliveira Pereira Ferreira Rodrigues Almeida Carvalho Gomes Martins Ribeiro Sousa
Fernandes Lopes Barbosa Rocha Dias Teixeira Moreira García Martínez López Sánchez Pérez González
Fernández Ramírez Torres Flores Rivera Morales Ortiz Castillo Navarro Romero Smith Johnson Williams Brown
Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson White Harris Clark Lewis Walker Hall
Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans
Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Patel Sharma Singh Kumar Gupta Reddy Iyer
Nair Menon Rao Joshi Desai Mehta Chopra Kapoor Banerjee Chatterjee Mukherjee Das Bose Pillai Krishnan
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Tanaka Suzuki Takahashi
Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki Matsumoto Inoue Kimura Kim Lee Park
Choi Jung Kang Cho Yoon Jang Lim Han Shin Okafor Okonkwo Adeyemi Adebayo Oyelaran Nwosu Eze Obi Chukwu
Balogun Mensah Owusu Boateng Asante Osei Kariuki Mwangi Otieno Njoroge Wanjiku Odhiambo Tesfaye Bekele
Haile Girma Alemu Haddad Khalil Nasser Saleh Hamdan Mansour Farouk Aziz Rahman Hussein Yilmaz Kaya Demir
Şahin Çelik Aydın Öztürk Arslan Doğan Hosseini Ahmadi Moradi Karimi Rostami Tehrani Cohen Levi Mizrahi
Friedman Shapiro Katz Goldberg Kowalski Nowak Wiśniewski Wójcik Kamiński Lewandowski Zieliński Müller
Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schulz Koch Richter Klein Martin Bernard
Dubois Thomas Robert Richard Petit Durand Leroy Moreau Laurent Rossi Russo Ferrari Esposito Bianchi
Romano Colombo Ricci Marino Greco Bruno Gallo Conti Johansson Andersson Karlsson Nilsson Eriksson Larsson
Olsen Hansen Jensen Nielsen Pedersen Lindqvist Nguyen Tran Le Pham Hoang Vu Dang Bui Do Ngo Reyes Cruz
Bautista Mendoza Villanueva Aquino Ramos Santiago Ivanov Petrov Smirnov Volkov Sokolov Popov Kuznetsov
Papadopoulos Georgiou Nikolaidis Pappas Karagiannis O'Brien Byrne Kelly Walsh Doyle McCarthy Gallagher
Kavanagh Brennan Jansen Bakker Visser Smit Mulder Bos Dekker MacLeod Campbell Fraser Stewart
Kahananui Akana Qureshi Malik Siddiqui Chaudhry Butt Iqbal Sherpa Tamang Ngata Parata Hernández Vargas
Jiménez Guerrero Medina Aguilar Herrera Castro Lindgren Björk Sato Hayashi Abenov Nurlanov
""".split()
LAST_NAMES = list(dict.fromkeys(LAST_NAMES))

OFFICES = ("Lisbon", "London", "New York", "Berlin", "Bengaluru", "Singapore", "São Paulo",
           "Toronto", "Nairobi", "Remote (Europe)", "Remote (Americas)")

# --- departments, in the order they are added as the company grows. The
# first five always exist (named fixtures and processes rely on them).
@dataclass(frozen=True)
class DeptSpec:
    name: str
    weight: int
    head_title: str            # e.g. "VP of Engineering" (Director for small depts)
    mission: str               # what the department does, as a verb phrase
    teams: tuple[str, ...]     # top-level team names, in order of creation
    roles: tuple[str, ...]     # member titles, junior to senior
    manager: str               # title of a team lead
    system_nouns: tuple[str, ...] = ()


DEPARTMENTS: tuple[DeptSpec, ...] = (
    DeptSpec("Engineering", 30, "Engineering", "builds and runs the platform every product runs on",
             ("Platform", "Infrastructure", "Developer Experience", "Site Reliability", "Identity",
              "Mobile", "Web", "Search", "Messaging", "Observability", "Data Platform", "Architecture",
              "Release Engineering", "Storage", "Networking", "API Platform", "Notifications",
              "Core Services"),
             # Repeats weight the draw: many engineers, few principals.
             ("Associate Engineer", "Software Engineer", "Software Engineer", "Software Engineer",
              "Senior Software Engineer", "Senior Software Engineer", "Senior Software Engineer",
              "Staff Engineer", "Staff Engineer", "Principal Engineer"),
             "Engineering Manager",
             ("Service Catalog", "Deploy", "Build", "Feature Flag", "Config", "Identity", "Auth",
              "Session", "Search", "Notification", "Email", "Messaging", "Metrics", "Logging",
              "Tracing", "Alerting", "Storage", "Cache", "CDN", "DNS", "Secrets", "Scheduler",
              "Mobile Backend", "Web Frontend", "API Gateway", "Rate Limiter", "Audit Log")),
    DeptSpec("Payments", 12, "Payments", "moves customers' money correctly, on time and within the rules",
             ("Ledger", "Payouts", "Card Processing", "Settlement", "Billing", "Payment Methods",
              "Reconciliation", "Treasury Operations", "Payments Compliance", "Checkout"),
             ("Payments Engineer", "Payments Engineer", "Senior Payments Engineer",
              "Payments Operations Analyst", "Staff Payments Engineer"),
             "Payments Engineering Manager",
             ("Ledger", "Payouts", "Settlement", "Card Authorization", "Refunds", "Invoicing",
              "Billing", "Reconciliation", "FX Rates", "Wallet", "Chargeback", "Checkout",
              "Payment Routing", "Tokenization", "Bank Transfer")),
    DeptSpec("Risk", 8, "Risk", "keeps fraud and credit losses low without blocking good customers",
             ("Risk Data", "Fraud Detection", "Credit Risk", "Transaction Monitoring", "KYC Operations",
              "Risk Models", "Disputes"),
             ("Risk Analyst", "Risk Analyst", "Senior Risk Analyst", "Data Scientist",
              "Senior Data Scientist", "Fraud Investigator"),
             "Risk Manager",
             ("Risk Scoring", "Fraud Rules", "Transaction Monitoring", "KYC", "Sanctions Screening",
              "Credit Decisioning", "Device Fingerprint", "Case Management", "Risk Feature")),
    DeptSpec("Finance", 6, "Finance", "plans, records and reports the company's money",
             ("Accounting", "Financial Planning", "Procurement", "Tax", "Accounts Payable", "Payroll"),
             ("Financial Analyst", "Accountant", "Senior Accountant", "Senior Financial Analyst",
              "Controller"),
             "Finance Manager",
             ("Expense", "General Ledger", "Forecasting", "Procurement", "Vendor Payments", "Tax")),
    DeptSpec("People", 5, "People", "hires, develops and looks after everyone who works here",
             ("Talent Acquisition", "People Operations", "Learning and Development", "Total Rewards",
              "Workplace"),
             ("Recruiter", "Senior Recruiter", "People Partner", "HR Generalist",
              "People Operations Specialist"),
             "People Manager",
             ("Recruiting", "Onboarding", "HR Records", "Learning", "Compensation")),
    DeptSpec("Sales", 12, "Sales", "finds new customers and grows existing accounts",
             ("Enterprise Sales", "Mid-Market Sales", "Sales Development", "Solutions Engineering",
              "Partnerships", "Sales Operations"),
             ("Sales Development Representative", "Account Executive", "Account Executive",
              "Senior Account Executive", "Solutions Engineer"),
             "Sales Manager",
             ("CRM", "Quoting", "Lead Scoring", "Partner Portal")),
    DeptSpec("Customer Support", 10, "Customer Support", "helps customers quickly when something goes wrong",
             ("Support Operations", "Technical Support", "Merchant Support", "Support Quality",
              "Customer Success"),
             ("Support Specialist", "Support Specialist", "Senior Support Specialist",
              "Support Engineer"),
             "Support Manager",
             ("Helpdesk", "Support Chat", "Knowledge Base")),
    DeptSpec("Marketing", 6, "Marketing", "tells the market who we are and brings in demand",
             ("Brand", "Growth Marketing", "Product Marketing", "Content", "Events"),
             ("Marketing Specialist", "Content Marketer", "Growth Marketer",
              "Senior Product Marketing Manager"),
             "Marketing Manager",
             ("Campaign", "Website CMS", "Marketing Analytics")),
    DeptSpec("Security", 5, "Security", "protects customer data and the company's systems",
             ("Security Engineering", "Security Operations", "Application Security", "GRC",
              "Corporate IT"),
             ("Security Analyst", "Security Engineer", "Senior Security Engineer",
              "Staff Security Engineer"),
             "Security Manager",
             ("Access Request", "Vulnerability Scanner", "SIEM", "Key Management", "Endpoint Management")),
    DeptSpec("Data", 7, "Data", "turns the company's data into decisions and products",
             ("Analytics Engineering", "Business Intelligence", "Data Science", "Machine Learning",
              "Data Governance"),
             ("Data Analyst", "Analytics Engineer", "Data Scientist", "Senior Data Scientist",
              "Machine Learning Engineer", "Staff Data Scientist"),
             "Data Manager",
             ("Data Warehouse", "ETL", "Feature Store", "Experimentation", "Reporting", "Model Serving")),
    DeptSpec("Legal", 3, "Legal", "keeps the company on the right side of the law and its contracts",
             ("Commercial Legal", "Privacy", "Regulatory Affairs", "Corporate Legal"),
             ("Paralegal", "Legal Counsel", "Senior Legal Counsel", "Privacy Counsel"),
             "Legal Manager",
             ("Contract Management", "Privacy Requests")),
    DeptSpec("Product", 5, "Product", "decides what we build next and designs how it works",
             ("Product Management", "Design", "User Research", "Product Operations"),
             ("Associate Product Manager", "Product Manager", "Product Designer",
              "Senior Product Manager", "User Researcher"),
             "Product Lead",
             ("Roadmap", "Design System", "User Feedback")),
)
_DEPT_BY_NAME = {d.name: d for d in DEPARTMENTS}

SUBTEAM_SUFFIXES = ("Core", "Tooling", "Operations", "Insights", "Integrations", "Reliability",
                    "Experience", "Automation", "Quality", "Foundations", "Analytics", "Enablement",
                    "Services", "Growth", "Programs", "Strategy", "Infrastructure", "Compliance",
                    "Expansion", "Migration", "Performance", "Partners")
SQUAD_NAMES = ("Falcon", "Otter", "Comet", "Atlas", "Juniper", "Orca", "Lynx", "Nova", "Pine",
               "Heron", "Cedar", "Aurora", "Kestrel", "Maple", "Quartz", "Raven", "Sequoia", "Tundra",
               "Willow", "Zephyr", "Bison", "Coral", "Delta", "Ember", "Fjord", "Granite", "Harbor",
               "Iris", "Jade", "Koala", "Lotus", "Meteor", "Nimbus", "Onyx", "Puma", "Summit")

# Team missions for named teams (others get a generated one).
TEAM_MISSIONS = {
    "Ledger": "owns the double-entry ledger that records every money movement and the balances derived from it",
    "Payouts": "sends money out to merchants and customers through local bank rails",
    "Risk Data": "builds the datasets and features that power risk scoring and fraud detection",
    "Fraud Detection": "detects and stops fraudulent payments in real time",
    "Platform": "runs the shared runtime, deploy pipeline and service templates every team builds on",
    "Site Reliability": "keeps production healthy, runs the on-call rotation and leads incident response",
    "Developer Experience": "makes building, testing and shipping code fast and pleasant",
    "Accounting": "closes the books every month and keeps the general ledger accurate",
    "Talent Acquisition": "finds and hires the people we need",
    "People Operations": "runs onboarding, offboarding and HR records",
    "Security Engineering": "builds the controls that protect our systems and data",
    "Security Operations": "watches for threats and responds to security incidents",
    "Corporate IT": "provides laptops, accounts and access for every employee",
}
SUFFIX_FOCUS = {
    "Core": "the core of", "Tooling": "internal tools for", "Operations": "day-to-day operations of",
    "Insights": "reporting and insights for", "Integrations": "integrations with partners for",
    "Reliability": "the reliability of", "Experience": "the user-facing experience of",
    "Automation": "automation of", "Quality": "quality and testing of",
    "Foundations": "the foundations of", "Analytics": "analytics for", "Enablement": "enablement for",
    "Services": "back-end services of", "Growth": "growth of", "Programs": "programs for",
    "Strategy": "the strategy of", "Infrastructure": "infrastructure for",
    "Compliance": "compliance of", "Expansion": "expansion of", "Migration": "migrations in",
    "Performance": "the performance of", "Partners": "partner relations for",
}

# system name suffix -> (kind, type)
SYSTEM_SHAPES = (
    ("Service", "Component", "service"), ("API", "API", "openapi"), ("Engine", "Component", "service"),
    ("Worker", "Component", "service"), ("Gateway", "Component", "service"),
    ("Database", "Resource", "database"), ("Queue", "Resource", "queue"),
    ("Pipeline", "Component", "pipeline"), ("Dashboard", "Component", "website"),
    ("Portal", "Component", "website"), ("SDK", "Component", "library"),
    ("Store", "Resource", "database"), ("Scheduler", "Component", "service"),
    ("gRPC API", "API", "grpc"),
)
_SHAPE = {s[0]: s for s in SYSTEM_SHAPES}
LIFECYCLES = ("production",) * 14 + ("experimental",) * 3 + ("deprecated",) * 2 + ("retired",)
QUALIFIERS = ("EU", "US", "APAC", "v2", "Legacy", "Batch", "Realtime", "Internal", "Next", "Edge")

# Named systems that always exist: (name, department, owning team).
# Order matters: DEPENDS_ON only points to earlier systems.
FIXED_SYSTEMS = (
    ("Ledger Database", "Payments", "Ledger"),
    ("Ledger Service", "Payments", "Ledger"),
    ("Payouts API", "Payments", "Payouts"),
    ("Payouts Service", "Payments", "Payouts"),
    ("Risk Scoring Engine", "Risk", "Risk Data"),
    ("Risk Feature Store", "Risk", "Risk Data"),
    ("Expense Portal", "Finance", "Accounting"),
    ("Service Catalog", "Engineering", "Developer Experience"),
    ("Deploy Pipeline", "Engineering", "Platform"),
    ("Access Request Portal", "Security", "Security Engineering"),
    ("Onboarding Portal", "People", "People Operations"),
)

# Processes: (name, preferred owners, summary, steps). A step is (name, summary,
# preferred responsible teams). Preferences are team or department names, the
# first that exists wins (a department stands for its first top-level team),
# so small orgs without e.g. a Security department still get an owner.
PROCESSES = (
    ("Launch an internal system", ("Developer Experience", "Engineering"),
     "How to take a new internal system from idea to production.",
     (("Write a design doc", "Describe the problem, the design, alternatives and the owners.", ("Engineering",)),
      ("Architecture review", "Present the design at the weekly architecture review.", ("Architecture", "Engineering")),
      ("Security review", "Threat model and security sign-off.",
       ("Application Security", "Security Engineering", "Security", "Engineering")),
      ("Privacy review", "Check personal data use and retention.", ("Privacy", "Legal", "Security", "Engineering")),
      ("Register in the service catalog", "Add the system, its owner and its APIs to the catalog.",
       ("Developer Experience", "Engineering")),
      ("Set up monitoring and on-call", "Dashboards, alerts and an on-call rotation before launch.",
       ("Site Reliability", "Engineering")),
      ("Launch and announce", "Roll out gradually and announce in #engineering.", ("Engineering",)))),
    ("Onboard a new employee", ("People Operations", "People"),
     "Everything that happens between a signed offer and a productive first month.",
     (("Prepare the offer paperwork", "Contract, background check and HR record.", ("People",)),
      ("Order laptop and accounts", "Laptop, email, Slack and SSO ready on day one.",
       ("Corporate IT", "Security", "Engineering")),
      ("Set up payroll", "Add the new hire to payroll and benefits.", ("Payroll", "Finance", "People")),
      ("Day-one orientation", "Welcome session, policies and a buddy.", ("People Operations", "People")),
      ("Team onboarding plan", "The manager's 30-60-90 day plan.", ("People",)))),
    ("Expense reimbursement", ("Accounting", "Finance"),
     "How to get money back for a business expense, following the expense policy.",
     (("Submit the expense report", "Upload receipts in the Expense Portal within 30 days.", ("Finance",)),
      ("Manager approval", "The direct manager approves or rejects within 5 working days.", ("Finance",)),
      ("Finance review", "Finance checks the policy limits and receipts.", ("Accounting", "Finance")),
      ("Reimbursement payout", "Approved expenses are paid with the next payroll run.",
       ("Accounts Payable", "Payroll", "Finance")))),
    ("Incident response", ("Site Reliability", "Engineering"),
     "What to do when production breaks or a security event is detected.",
     (("Declare the incident", "Open an incident in #incidents and page the on-call.", ("Site Reliability", "Engineering")),
      ("Assign an incident commander", "One person coordinates; others fix.", ("Site Reliability", "Engineering")),
      ("Mitigate", "Stop the bleeding first; root cause later.", ("Engineering",)),
      ("Communicate to customers", "Status page and support macros.", ("Customer Support", "Marketing")),
      ("Write the postmortem", "Blameless review within 5 working days.", ("Site Reliability", "Engineering")))),
    ("Request access to a system", ("Corporate IT", "Security", "Engineering"),
     "How to get access to a production system or sensitive data.",
     (("File an access request", "Use the Access Request Portal, naming the system and the reason.",
       ("Corporate IT", "Security", "Engineering")),
      ("Owner approval", "The owning team approves the request.", ("Engineering",)),
      ("Security approval", "Security checks least privilege for sensitive systems.", ("Security", "Engineering")),
      ("Provision access", "Access is granted and expires after 90 days.",
       ("Corporate IT", "Security", "Engineering")))),
    ("Offboard a departing employee", ("People Operations", "People"),
     "Steps when someone leaves the company.",
     (("Record the leaving date", "HR updates the record and informs the manager.", ("People",)),
      ("Revoke access", "All accounts disabled on the last day.", ("Corporate IT", "Security", "Engineering")),
      ("Final payroll", "Final pay, holiday balance and expenses.", ("Payroll", "Finance")),
      ("Exit interview", "Feedback conversation with a People Partner.", ("People",)))),
    ("Hire a new employee", ("Talent Acquisition", "People"),
     "From an approved headcount to a signed offer.",
     (("Approve the headcount", "Finance confirms the role is in the budget.", ("Financial Planning", "Finance")),
      ("Write the job description", "The hiring manager and recruiter agree the role.", ("People",)),
      ("Interview loop", "Structured interviews with a scorecard.", ("People",)),
      ("Make the offer", "The recruiter extends the offer.", ("People",)))),
    ("Close the monthly books", ("Accounting", "Finance"),
     "The month-end close, finished by the fifth working day.",
     (("Reconcile the ledger", "Match the ledger to bank statements.", ("Reconciliation", "Ledger", "Finance")),
      ("Accruals and adjustments", "Book accruals and correct errors.", ("Finance",)),
      ("Management report", "Publish the monthly report.", ("Finance",)))),
    ("Review a vendor contract", ("Commercial Legal", "Legal", "Finance"),
     "How a new supplier contract gets reviewed and signed.",
     (("Submit the contract", "Send the draft and the business case.", ("Finance", "Legal")),
      ("Security questionnaire", "Check the vendor's security posture.", ("Security", "Engineering")),
      ("Legal review", "Redline and negotiate terms.", ("Legal", "Finance")),
      ("Sign and file", "Sign and store the contract.", ("Legal", "Finance")))),
    ("Handle a customer escalation", ("Customer Support", "Sales"),
     "When a customer problem needs more than first-line support.",
     (("Triage the ticket", "Confirm impact and severity.", ("Customer Support", "Sales")),
      ("Escalate to the owning team", "Hand over to the team owning the affected system.", ("Engineering",)),
      ("Update the customer", "Keep the customer informed until resolved.", ("Customer Support", "Sales")))),
    ("Review a fraud alert", ("Fraud Detection", "Risk"),
     "What happens when the risk scoring engine flags a payment.",
     (("Review the alert", "An analyst reviews the flagged payment.", ("Fraud Detection", "Risk")),
      ("Contact the customer", "Confirm the payment with the customer.", ("Customer Support", "Risk")),
      ("Decide and record", "Release or block, and record the decision to train the models.", ("Risk",)))),
)

TOPICS = (
    ("Expense policy", ("Accounting", "Finance"),
     "What the company pays for, the limits, and how to claim it.",
     "## Expense policy\n\n"
     "- **Meals while travelling:** up to 60 EUR per day, receipts required.\n"
     "- **Hotels:** up to 180 EUR per night (250 EUR in London, New York and Singapore).\n"
     "- **Flights:** economy class; premium economy for flights over 6 hours.\n"
     "- **Home office:** up to 500 EUR once every three years.\n"
     "- Submit claims in the Expense Portal within **30 days**; your manager approves, "
     "Finance reviews, and approved claims are paid with the next payroll.\n\n"
     "See the process [Expense reimbursement](/process/expense-reimbursement)."),
    ("Travel policy", ("Accounting", "Finance"), "How to book business travel.",
     "## Travel policy\n\nBook through the travel tool at least 14 days ahead. "
     "Trips over 2,000 EUR need director approval."),
    ("Information security policy", ("Security Engineering", "Security", "Engineering"), "The rules every employee follows to keep data safe.",
     "## Information security policy\n\nUse SSO and a hardware key; never share credentials; "
     "report phishing to #security. Access to production follows [Request access to a system](/process/request-access-to-a-system)."),
    ("Remote work policy", ("People Operations", "People"), "Who can work remotely, from where, and for how long.",
     "## Remote work policy\n\nEveryone may work from home up to 3 days a week; working from "
     "another country needs People approval for more than 30 days a year."),
    ("Code review guidelines", ("Developer Experience", "Engineering"), "How we review code.",
     "## Code review guidelines\n\nEvery change gets one approving review; keep changes under 400 "
     "lines; the author merges."),
    ("On-call handbook", ("Site Reliability", "Engineering"), "How on-call works and what is expected of you.",
     "## On-call handbook\n\nRotations are weekly; acknowledge pages within 5 minutes; follow "
     "[Incident response](/process/incident-response)."),
    ("Data retention policy", ("Privacy", "Legal", "Data", "Engineering"), "How long we keep which data.",
     "## Data retention policy\n\nTransaction records: 10 years. Support tickets: 3 years. "
     "Application logs: 90 days."),
    ("Brand guidelines", ("Brand", "Marketing", "Sales"), "How to use our name, logo and voice.",
     "## Brand guidelines\n\nWrite plainly, use the logo only on white or navy, never stretch it."),
)


@dataclass
class _Unit:
    """A team or department while the org is being built."""
    label: str
    key: str
    name: str
    dept: DeptSpec | None
    depth: int = 0                      # 0 = department, 1.. = team level
    parent: "_Unit | None" = None
    lead: "_Person | None" = None
    members: list = field(default_factory=list)
    children: list = field(default_factory=list)
    suffix: str = ""


@dataclass
class _Person:
    key: str
    first: str
    last: str
    title: str
    team: _Unit
    manager: "_Person | None" = None


class _Keys:
    """Hands out unique keys: 'ana-costa', then 'ana-costa-2', ..."""

    def __init__(self):
        self.used: set[str] = set()
        self.next: dict[str, int] = {}

    def take(self, text: str) -> str:
        base = name_key(text) or "x"
        key, n = base, self.next.get(base, 1)
        if n > 1 or key in self.used:
            n = max(n, 2)
            key = f"{base}-{n}"
            while key in self.used:     # "x-2" may itself be some name's base key
                n += 1
                key = f"{base}-{n}"
        self.next[base] = n + 1
        self.used.add(key)
        return key


def _largest_remainder(total: int, weights: list[int], minimum: int) -> list[int]:
    """Split `total` into parts proportional to `weights`, each >= minimum, summing exactly."""
    spare = total - minimum * len(weights)
    raw = [spare * w / sum(weights) for w in weights]
    parts = [minimum + int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def _department_count(people: int) -> int:
    if people < 100:
        return 6
    if people < 300:
        return 8
    if people < 1000:
        return 10
    return 12


class _Builder:
    def __init__(self, people: int, seed: int):
        self.n = people
        self.rng = random.Random(seed)
        self.keys = _Keys()            # persons
        self.unit_keys = _Keys()       # teams and departments share one namespace for clarity
        self.system_keys = _Keys()
        self.persons: list[_Person] = []
        self.units: list[_Unit] = []
        self.depts: dict[str, _Unit] = {}
        self.top_teams: dict[str, list[_Unit]] = {}
        self.team_by_name: dict[str, _Unit] = {}
        self.batch = Batch(SOURCE)
        self.today = date(2026, 1, 1)
        # Reserve the fixtures' keys so random people never take them.
        self.ana_key = self.keys.take("Ana Costa")

    # -- people --------------------------------------------------------
    def _new_person(self, team: _Unit, title: str, first: str | None = None,
                    last: str | None = None, key: str | None = None) -> _Person:
        rng = self.rng
        if first is None:
            first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
            last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
        p = _Person(key or self.keys.take(f"{first} {last}"), first, last, title, team)
        team.members.append(p)
        self.persons.append(p)
        return p

    def _member_title(self, dept: DeptSpec | None) -> str:
        roles = dept.roles if dept else ("Chief of Staff", "Executive Assistant", "Strategy Lead")
        return roles[self.rng.randrange(len(roles))]

    # -- org -----------------------------------------------------------
    def build_org(self) -> None:
        rng = self.rng
        depts = DEPARTMENTS[:_department_count(self.n)]
        exec_staff = min(3, self.n // 400)
        exec_team = self._unit("Team", "Executive Office", None, None, depth=1)
        ceo = self._new_person(exec_team, "Chief Executive Officer")
        exec_team.lead = ceo
        for _ in range(exec_staff):
            self._new_person(exec_team, self._member_title(None)).manager = ceo

        remaining = self.n - 1 - exec_staff
        sizes = _largest_remainder(remaining, [d.weight for d in depts], minimum=4)
        for spec, size in zip(depts, sizes):
            dept = self._unit("Department", spec.name, spec, None, depth=0)
            self.depts[spec.name] = dept
            leadership = self._unit("Team", f"{spec.name} Leadership", spec, dept, depth=1)
            big = size >= 150
            head_title = (f"VP of {spec.head_title}" if big else f"Director of {spec.head_title}")
            head = self._new_person(leadership, head_title)
            head.manager = ceo
            dept.lead = leadership.lead = head
            staff = min(3, size // 80)
            for i in range(staff):
                title = ("Chief of Staff", "Program Manager", "Business Partner")[i]
                self._new_person(leadership, f"{title}, {spec.name}").manager = head
            rest = size - 1 - staff
            # Top-level teams: about sqrt(leaf teams), at least 2 when there are people for it.
            leaves = max(1, round(rest / 8))
            top = max(1, min(len(spec.teams) if rest < 400 else 40, round(math.sqrt(leaves)) + 1, rest // 3))
            if spec.name in ("Payments", "Risk"):
                top = max(top, 2 if rest >= 6 else 1)
            parts = _largest_remainder(rest, [rng.randint(3, 6) for _ in range(top)], minimum=min(3, rest // top))
            self.top_teams[spec.name] = []
            for i, part in enumerate(parts):
                if i < len(spec.teams):
                    name = spec.teams[i]
                else:   # a big department: "Platform 2", "Platform 3", ...
                    name = f"{spec.teams[i % len(spec.teams)]} {i // len(spec.teams) + 1}"
                team = self._unit("Team", name, spec, dept, depth=1)
                self.top_teams[spec.name].append(team)
                self._fill_team(team, part, head)

    def _unit(self, label: str, name: str, dept: DeptSpec | None, parent: _Unit | None,
              depth: int, suffix: str = "") -> _Unit:
        unit = _Unit(label, self.unit_keys.take(name), name, dept, depth, parent, suffix=suffix)
        self.units.append(unit)
        if parent is not None:
            parent.children.append(unit)
        if label == "Team":
            self.team_by_name.setdefault(name, unit)
        return unit

    def _fill_team(self, team: _Unit, size: int, boss: _Person) -> None:
        """Give `team` a lead reporting to `boss`, and either all `size` people as
        members or a small core plus sub-teams (levels 2 and 3)."""
        rng = self.rng
        spec = team.dept
        leaves = max(1, round(size / 8))
        has_children = leaves > 1 and team.depth < 3 and size >= 10
        if team.name == "Risk Data" and self.ana_key:
            lead = self._new_person(team, "", "Ana", "Costa", key=self.ana_key)
            self.ana_key = None
        else:
            lead = self._new_person(team, "")
        lead.manager = boss
        team.lead = lead
        if has_children:
            lead.title = f"Senior {spec.manager}" if team.depth == 1 else spec.manager
            core = min(size - 1, rng.randint(1, 3))
            rest = size - 1 - core
            # Level 2 gets about sqrt(leaves) sub-teams, level 3 one per leaf.
            count = max(2, round(math.sqrt(leaves)) if team.depth == 1 else leaves)
            count = min(count, max(1, rest // 3), 30)
            if count < 2:
                core, rest, count = size - 1, 0, 0
        else:
            lead.title = spec.manager
            core, rest, count = size - 1, 0, 0
        for _ in range(core):
            self._new_person(team, self._member_title(spec)).manager = lead
        if count:
            parts = _largest_remainder(rest, [rng.randint(3, 6) for _ in range(count)], minimum=3)
            for i, part in enumerate(parts):
                if team.depth == 1:
                    suffix = SUBTEAM_SUFFIXES[i % len(SUBTEAM_SUFFIXES)]
                    name = f"{team.name} {suffix}"
                    if i >= len(SUBTEAM_SUFFIXES):
                        name += f" {i // len(SUBTEAM_SUFFIXES) + 1}"
                else:
                    suffix = team.suffix
                    name = f"{team.name} {SQUAD_NAMES[i % len(SQUAD_NAMES)]}"
                    if i >= len(SQUAD_NAMES):
                        name += f" {i // len(SQUAD_NAMES) + 1}"
                child = self._unit("Team", name, spec, team, team.depth + 1, suffix=suffix)
                self._fill_team(child, part, lead)

    # -- records -------------------------------------------------------
    def emit_org(self) -> None:
        rng = self.rng
        ents, edges = self.batch.entities, self.batch.edges
        emails: set[str] = set()
        slack_ids: set[str] = set()
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        for i, p in enumerate(self.persons):
            local = f"{name_key(p.first)}.{name_key(p.last)}"
            email = f"{local}@{EMAIL_DOMAIN}"
            n = 1
            while email in emails:
                n += 1
                email = f"{local}{n}@{EMAIL_DOMAIN}"
            emails.add(email)
            slack = "U0" + "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(9))
            while slack in slack_ids:
                slack = "U0" + "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(9))
            slack_ids.add(slack)
            seniority = 0 if p.manager is None else (1 if p.team.lead is p else 2)
            earliest = (2012, 2014, 2016)[seniority]
            start = date(earliest, 1, 1) + timedelta(days=rng.randrange((self.today - date(earliest, 1, 1)).days))
            team = p.team
            unit = team
            while unit.parent is not None and unit.label != "Department":
                unit = unit.parent
            dept_name = unit.name if unit.label == "Department" else "the executive office"
            name = f"{p.first} {p.last}"
            summary = f"{p.title} in {team.name}" + (f" ({dept_name})." if unit.label == "Department" else ".")
            office = OFFICES[rng.randrange(len(OFFICES))]
            body = (f"**{name}** is {_article(p.title)} {p.title} on the [{team.name}]({page_url('Team', team.key)}) team, "
                    f"based in {office}.")
            ents.append(Entity(
                "Person", p.key, name, summary=summary, body=body,
                props={"title": p.title, "email": email, "employee_id": f"E{10000 + i:05d}",
                       "slack_id": slack, "location": office,
                       "start_date": start.isoformat(), "status": "active",
                       "first_name": p.first, "last_name": p.last},
                source=SOURCE, source_id=f"E{10000 + i:05d}"))
            edges.append(Edge("MEMBER_OF", "Person", p.key, "Team", team.key, source=SOURCE))
            if p.manager is not None:
                edges.append(Edge("REPORTS_TO", "Person", p.key, "Person", p.manager.key, source=SOURCE))

        for u in self.units:
            mission = self._mission(u)
            channel = "#" + (u.key if u.label == "Team" else f"dept-{u.key}")[:78]
            lead_name = f"{u.lead.first} {u.lead.last}" if u.lead else "nobody"
            if u.label == "Department":
                summary = f"The {u.name} department {mission}."
                teams = ", ".join(f"[{c.name}]({page_url('Team', c.key)})" for c in u.children[:12])
                body = (f"# {u.name}\n\nThe {u.name} department {mission}. It is led by "
                        f"[{lead_name}]({page_url('Person', u.lead.key)}) ({u.lead.title}).\n\n"
                        f"**Teams:** {teams}{' and more' if len(u.children) > 12 else ''}.\n\n"
                        f"**Slack:** {channel}")
            else:
                summary = f"{u.name} {mission}."
                parent = (f"Part of [{u.parent.name}]({page_url(u.parent.label, u.parent.key)})."
                          if u.parent else "Not part of any department.")
                body = (f"# {u.name}\n\nThe {u.name} team {mission}.\n\n{parent} "
                        f"Led by [{lead_name}]({page_url('Person', u.lead.key)}), {u.lead.title}.\n\n"
                        f"**How to reach us:** {channel} on Slack.\n\n"
                        f"**Team size:** {len(u.members)} direct members"
                        + (f", {len(u.children)} sub-teams." if u.children else "."))
            ents.append(Entity(u.label, u.key, u.name, summary=summary, body=body,
                               props={"slack_channel": channel}, source=SOURCE,
                               source_id=f"{u.label.lower()}:{u.key}"))
            if u.lead is not None:
                edges.append(Edge("LEADS", "Person", u.lead.key, u.label, u.key, source=SOURCE))
            if u.parent is not None:
                edges.append(Edge("PART_OF", u.label, u.key, u.parent.label, u.parent.key, source=SOURCE))

    def _mission(self, u: _Unit) -> str:
        if u.name in TEAM_MISSIONS:
            return TEAM_MISSIONS[u.name]
        if u.dept is None:
            return "sets the company's direction and supports the CEO"
        if u.label == "Department":
            return u.dept.mission
        if u.name.endswith("Leadership"):
            return f"runs the {u.dept.name} department: planning, hiring and priorities"
        base = u.name
        if u.suffix:
            focus = SUFFIX_FOCUS.get(u.suffix, "work on")
            root = u.parent if u.depth == 2 else (u.parent.parent if u.parent else None)
            if root is not None:
                return f"looks after {focus} {root.name} in {u.dept.name}"
        return f"handles {base.lower()} for {u.dept.name}, which {u.dept.mission}"

    def _teams_of(self, dept_name: str) -> list[_Unit]:
        return self.top_teams.get(dept_name, [])

    def _team_for(self, preferred: tuple[str, ...]) -> _Unit:
        for name in preferred:
            if name in self.team_by_name:
                return self.team_by_name[name]
            teams = self._teams_of(name)
            if teams:
                return teams[0]
        return self._teams_of("Engineering")[0]

    def emit_systems(self) -> None:
        rng = self.rng
        ents, edges = self.batch.entities, self.batch.edges
        target = max(20, self.n // 5)
        systems: list[tuple[str, str, str, _Unit, str]] = []   # key, name, suffix, team, dept
        names_taken: set[str] = set()
        for name, dept_name, team_name in FIXED_SYSTEMS:
            team = self.team_by_name.get(team_name)
            if team is None or dept_name not in self.depts:
                team = self._team_for((dept_name,))
            suffix = next(s for s in sorted(_SHAPE, key=len, reverse=True) if name.endswith(s)) \
                if any(name.endswith(s) for s in _SHAPE) else "Portal"
            systems.append((self.system_keys.take(name), name, suffix, team, team.dept.name))
            names_taken.add(name)
        # Umbrella System-kind entries, one per department with systems, parents of the rest.
        tech = [d for d in DEPARTMENTS if d.name in self.depts and d.system_nouns]
        umbrellas = {}
        for spec in tech:
            name = f"{spec.name} Platform"
            key = self.system_keys.take(name)
            umbrellas[spec.name] = key
            team = self._teams_of(spec.name)[0]
            ents.append(Entity("System", key, name,
                               summary=f"All systems of the {spec.name} department.",
                               body=f"# {name}\n\nThe {spec.name} department's systems, grouped. "
                                    f"Owned by [{team.name}]({page_url('Team', team.key)}).",
                               props={"kind": "System", "type": "product", "lifecycle": "production"},
                               source=SOURCE, source_id=f"system:{key}"))
            edges.append(Edge("OWNS", "Team", team.key, "System", key, source=SOURCE))
        # Generated ones: department nouns x shapes, in a seeded order, qualified when exhausted.
        weights = [d.weight for d in tech]
        suffixes = [s[0] for s in SYSTEM_SHAPES]
        attempts = 0
        while len(systems) < target:
            spec = rng.choices(tech, weights)[0]
            noun = spec.system_nouns[rng.randrange(len(spec.system_nouns))]
            suffix = suffixes[rng.randrange(len(suffixes))]
            name = f"{noun} {suffix}"
            attempts += 1
            if name in names_taken:
                if attempts < target * 3:
                    continue
                name = f"{name} {QUALIFIERS[rng.randrange(len(QUALIFIERS))]}"
                if name in names_taken:
                    name = f"{name} {len(systems)}"
            names_taken.add(name)
            teams = self._teams_of(spec.name)
            team = teams[rng.randrange(len(teams))]
            # Prefer a leaf team below the chosen top-level team, as real owners are.
            while team.children and rng.random() < 0.7:
                team = team.children[rng.randrange(len(team.children))]
            systems.append((self.system_keys.take(name), name, suffix, team, spec.name))

        api_by_noun: dict[str, str] = {}
        provided: set[tuple[str, str]] = set()
        # The fixed systems' own dependencies (Ledger Database is generated first).
        depends = {("ledger-service", "ledger-database"), ("payouts-service", "ledger-service")}
        for src, dst in sorted(depends):
            edges.append(Edge("DEPENDS_ON", "System", src, "System", dst, source=SOURCE))
        for idx, (key, name, suffix, team, dept_name) in enumerate(systems):
            _, kind, typ = _SHAPE.get(suffix, ("Portal", "Component", "website"))
            lifecycle = "production" if idx < len(FIXED_SYSTEMS) else LIFECYCLES[rng.randrange(len(LIFECYCLES))]
            what = {"Component": "component", "API": "API", "Resource": "resource"}[kind]
            summary = f"{name}: a {typ} {what} owned by {team.name}."
            body = (f"# {name}\n\n{name} is a {lifecycle} {typ} {what} in the {dept_name} department, "
                    f"owned by [{team.name}]({page_url('Team', team.key)}) (ask in {'#' + team.key}).")
            ents.append(Entity("System", key, name, summary=summary, body=body,
                               props={"kind": kind, "type": typ, "lifecycle": lifecycle},
                               source=SOURCE, source_id=f"system:{key}"))
            edges.append(Edge("OWNS", "Team", team.key, "System", key, source=SOURCE))
            if dept_name in umbrellas:
                edges.append(Edge("PART_OF", "System", key, "System", umbrellas[dept_name], source=SOURCE))
            noun = name.rsplit(" ", 1)[0]
            if kind == "API":
                api_by_noun.setdefault(noun, key)
            # Dependencies only point to earlier systems: a DAG by construction.
            if idx:
                picks = [systems[rng.randrange(idx)][0] for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))]
                for dep in dict.fromkeys(picks):
                    if (key, dep) not in depends:
                        depends.add((key, dep))
                        edges.append(Edge("DEPENDS_ON", "System", key, "System", dep, source=SOURCE))
            if kind == "Component" and noun in api_by_noun and api_by_noun[noun] != key:
                rel = "PROVIDES_API" if typ == "service" and suffix == "Service" else "CONSUMES_API"
                edges.append(Edge(rel, "System", key, "System", api_by_noun[noun], source=SOURCE))
                if rel == "PROVIDES_API" and key == "payouts-service":
                    provided.add(("System", api_by_noun[noun]))
        if ("System", "payouts-api") not in provided:
            edges.append(Edge("PROVIDES_API", "System", "payouts-service", "System", "payouts-api", source=SOURCE))

    def emit_processes(self) -> None:
        ents, edges = self.batch.entities, self.batch.edges
        for name, owners, summary, steps in PROCESSES:
            key = slugify_key(name)
            owner = self._team_for(owners)
            lines = [f"# {name}\n\n{summary} Owned by [{owner.name}]({page_url('Team', owner.key)}).\n"]
            for order, (step_name, step_summary, depts) in enumerate(steps, start=1):
                team = self._team_for(depts)
                step_key = f"{key}.step-{order}"
                lines.append(f"{order}. **{step_name}** — {step_summary} Responsible: [{team.name}]({page_url('Team', team.key)}).")
                ents.append(Entity("Step", step_key, step_name, summary=step_summary,
                                   props={"order": order}, source=SOURCE, source_id=step_key))
                edges.append(Edge("HAS_STEP", "Process", key, "Step", step_key, props={"order": order},
                                  source=SOURCE))
                edges.append(Edge("RESPONSIBLE_FOR", "Team", team.key, "Step", step_key, source=SOURCE))
            ents.append(Entity("Process", key, name, summary=summary, body="\n".join(lines),
                               source=SOURCE, source_id=f"process:{key}"))
            edges.append(Edge("OWNS", "Team", owner.key, "Process", key, source=SOURCE))
        for name, owners, summary, body in TOPICS:
            key = slugify_key(name)
            owner = self._team_for(owners)
            ents.append(Entity("Topic", key, name, summary=summary,
                               body=body + f"\n\nOwned by [{owner.name}]({page_url('Team', owner.key)}).",
                               source=SOURCE, source_id=f"topic:{key}"))
            edges.append(Edge("OWNS", "Team", owner.key, "Topic", key, source=SOURCE))


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def generate(people: int = 500, seed: int = 42) -> Batch:
    """A synthetic organization of exactly `people` people, identical for the
    same (people, seed). Raises InvalidInput outside MIN_PEOPLE..MAX_PEOPLE."""
    if not isinstance(people, int) or not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise InvalidInput(f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE}, not {people!r}",
                           code="bad_people_count")
    b = _Builder(people, seed)
    b.build_org()
    b.emit_org()
    b.emit_systems()
    b.emit_processes()
    return b.batch
